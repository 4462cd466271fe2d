import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration, parseSize } from '../../src/config.js';
import { DRAW_CORRELATION } from '../../src/core/thompson.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, '/srv/kairos');
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/kairos/data',
      dbFile: '/srv/kairos/data/kairos.db',
      feedbackWindowMs: 24 * 3_600_000,
      bodyLimitBytes: 1024 * 1024,
      logLevel: 'info',
      defaultLikelihood: 'logistic',
      learnerEnabled: true,
      faultInjection: 'none',
      drawCorrelation: DRAW_CORRELATION,
      changeDetection: false,
      maxInflight: 128,
      requestTimeoutMs: 10_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      { PORT: '8080', HOST: '0.0.0.0', KAIROS_DATA_DIR: '/var/lib/kairos', KAIROS_FEEDBACK_WINDOW: '90m', LOG_LEVEL: 'warn', KAIROS_BODY_LIMIT: '64kb', KAIROS_LEARNER: 'off' },
      '/x',
    );
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', dbFile: '/var/lib/kairos/kairos.db', feedbackWindowMs: 90 * 60_000, logLevel: 'warn', bodyLimitBytes: 65_536, learnerEnabled: false });
  });

  it('reads the in-flight limit (0 = none) and the request timeout, naming each bad value', () => {
    expect(loadConfig({ KAIROS_MAX_INFLIGHT: '0', KAIROS_REQUEST_TIMEOUT: '2s' })).toMatchObject({ maxInflight: 0, requestTimeoutMs: 2_000 });
    for (const bad of ['-1', '1.5', 'many', '']) expect(() => loadConfig({ KAIROS_MAX_INFLIGHT: bad })).toThrow(/KAIROS_MAX_INFLIGHT/);
    for (const bad of ['50ms', '10m', 'soon']) expect(() => loadConfig({ KAIROS_REQUEST_TIMEOUT: bad })).toThrow(/KAIROS_REQUEST_TIMEOUT/);
  });

  it('reads the batch route’s body limit (default 16mb) and timeout (default 2m), naming each bad value', () => {
    expect(loadConfig({})).toMatchObject({ batchBodyLimitBytes: 16 * 1024 ** 2, batchTimeoutMs: 120_000 });
    expect(loadConfig({ KAIROS_BATCH_BODY_LIMIT: '32mb', KAIROS_BATCH_TIMEOUT: '30s' })).toMatchObject({ batchBodyLimitBytes: 32 * 1024 ** 2, batchTimeoutMs: 30_000 });
    for (const bad of ['512b', '300mb', 'big']) expect(() => loadConfig({ KAIROS_BATCH_BODY_LIMIT: bad })).toThrow(/KAIROS_BATCH_BODY_LIMIT/);
    for (const bad of ['500ms', '11m', 'later']) expect(() => loadConfig({ KAIROS_BATCH_TIMEOUT: bad })).toThrow(/KAIROS_BATCH_TIMEOUT/);
  });

  it('accepts a draw correlation in [0, 1) and names the variable otherwise', () => {
    expect(loadConfig({ KAIROS_DRAW_CORRELATION: '0' }).drawCorrelation).toBe(0);
    expect(loadConfig({ KAIROS_DRAW_CORRELATION: '0.5' }).drawCorrelation).toBe(0.5);
    for (const bad of ['1', '-0.1', 'high', '']) {
      expect(() => loadConfig({ KAIROS_DRAW_CORRELATION: bad })).toThrow(/KAIROS_DRAW_CORRELATION/);
    }
  });

  it('takes a control share in [0, 1), 0.02 by default, and names the variable otherwise', () => {
    expect(loadConfig({}).controlShare).toBe(0.02);
    expect(loadConfig({ KAIROS_CONTROL_SHARE: '0' }).controlShare).toBe(0);
    expect(loadConfig({ KAIROS_CONTROL_SHARE: '0.1' }).controlShare).toBe(0.1);
    for (const bad of ['1', '-0.01', 'some', '', '2%']) {
      expect(() => loadConfig({ KAIROS_CONTROL_SHARE: bad })).toThrow(/KAIROS_CONTROL_SHARE/);
    }
  });

  it('turns change detection on or off and names the variable otherwise', () => {
    expect(loadConfig({ KAIROS_CHANGE_DETECTION: 'on' }).changeDetection).toBe(true);
    expect(loadConfig({ KAIROS_CHANGE_DETECTION: 'off' }).changeDetection).toBe(false);
    for (const bad of ['yes', '1', '']) {
      expect(() => loadConfig({ KAIROS_CHANGE_DETECTION: bad })).toThrow(/KAIROS_CHANGE_DETECTION/);
    }
  });

  it('reads the durability settings: retention (seconds to days, or off), WAL limit, group commit and backpressure', () => {
    expect(loadConfig({})).toMatchObject({ retentionMs: 90 * 86_400_000, retentionIntervalMs: 60_000, walLimitBytes: 16 * 1024 ** 2, decisionFlushMs: 0, maxPendingWrites: 5_000 });
    expect(loadConfig({ KAIROS_RETENTION: '2m' }).retentionMs).toBe(120_000);
    expect(loadConfig({ KAIROS_RETENTION: '90s' }).retentionMs).toBe(90_000);
    expect(loadConfig({ KAIROS_RETENTION: 'off' }).retentionMs).toBeNull();
    expect(loadConfig({ KAIROS_WAL_LIMIT: '32mb', KAIROS_MAX_PENDING_WRITES: '100', KAIROS_DECISION_FLUSH: '5ms' })).toMatchObject({
      walLimitBytes: 32 * 1024 ** 2,
      maxPendingWrites: 100,
      decisionFlushMs: 5,
    });
    for (const [name, bad] of [
      ['KAIROS_RETENTION', 'forever'],
      ['KAIROS_RETENTION', '500ms'],
      ['KAIROS_RETENTION', ''],
      ['KAIROS_WAL_LIMIT', '512kb'],
      ['KAIROS_WAL_LIMIT', 'big'],
      ['KAIROS_MAX_PENDING_WRITES', '0'],
      ['KAIROS_DECISION_FLUSH', '2s'],
      ['KAIROS_RETENTION_INTERVAL', '0'],
    ] as const) {
      expect(() => loadConfig({ [name]: bad }), `${name}=${bad}`).toThrow(new RegExp(name));
    }
  });

  it('reads the Personalizer loop\'s action TTL: 30d by default, from 3d, or off', () => {
    expect(loadConfig({}).personalizerActionTtlMs).toBe(30 * 86_400_000);
    expect(loadConfig({ KAIROS_PERSONALIZER_ACTION_TTL: '7d' }).personalizerActionTtlMs).toBe(7 * 86_400_000);
    expect(loadConfig({ KAIROS_PERSONALIZER_ACTION_TTL: 'off' }).personalizerActionTtlMs).toBeNull();
    for (const bad of ['2d', 'soon', '']) {
      expect(() => loadConfig({ KAIROS_PERSONALIZER_ACTION_TTL: bad }), bad).toThrow(/KAIROS_PERSONALIZER_ACTION_TTL/);
    }
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', KAIROS_FEEDBACK_WINDOW: 'tomorrow', LOG_LEVEL: 'loud', KAIROS_PRIOR_RATE: '1.5' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT="eighty"/);
    expect(problems.join('\n')).toMatch(/KAIROS_FEEDBACK_WINDOW="tomorrow"/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL="loud"/);
    expect(problems.join('\n')).toMatch(/KAIROS_PRIOR_RATE="1.5"/);
  });

  it('parses durations and sizes with units', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('2 weeks')).toBeUndefined();
    expect(parseSize('1mb')).toBe(1_048_576);
    expect(parseSize('10')).toBe(10);
    expect(parseSize('-1kb')).toBeUndefined();
  });
});
