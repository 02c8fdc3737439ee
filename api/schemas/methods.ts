/** The methods record and gaps (store/methods-record.ts, store/sweep-gaps.ts) as the API answers them. */
import { Type } from 'typebox';

export const GapSchema = Type.Object({
  from: Type.String({ format: 'date-time', description: 'the last sample before the gap (or the start of the range)' }),
  to: Type.String({ format: 'date-time', description: 'the next sample after it (or the end of the range)' }),
  cause: Type.String({ description: 'collector_down, dht_unreachable, store_unavailable, not_measured, sweep_failed or clock_step' }),
  detail: Type.Optional(Type.String({ description: 'what went wrong, in words' })),
});

const SweepCounts = Type.Object({
  intervalMs: Type.Number(),
  planned: Type.Integer(),
  done: Type.Integer(),
  missed: Type.Integer(),
  failedAttempts: Type.Integer(),
});

export const MethodsRecordSchema = Type.Object(
  {
    schema: Type.String(),
    generatedAt: Type.String({ format: 'date-time' }),
    software: Type.Object({ name: Type.String(), version: Type.String(), commit: Type.String() }),
    store: Type.String(),
    documentation: Type.Object({ methods: Type.String(), privacy: Type.String(), citation: Type.String() }),
    collectorSettings: Type.Array(Type.Object({}, { additionalProperties: true }), {
      description: 'each distinct set of settings the collector measured with (METHODS.md defines the fields)',
    }),
    privacy: Type.Object({ rawPeerAddresses: Type.Boolean(), statement: Type.String() }),
    metric: Type.Optional(Type.Object({ name: Type.String(), definition: Type.String() })),
    range: Type.Optional(
      Type.Object({
        infohash: Type.String(),
        from: Type.String({ format: 'date-time' }),
        to: Type.String({ format: 'date-time' }),
        sweeps: Type.Union([SweepCounts, Type.Null()], { description: 'null when the sweep log holds nothing for the range' }),
        gaps: Type.Integer(),
        clockSteps: Type.Array(
          Type.Object({
            at: Type.String({ format: 'date-time' }),
            stepMs: Type.Integer({ description: '> 0: the clock jumped forward; < 0: backward' }),
            skippedMs: Type.Integer({ description: 'the span before `at` the sample stamps jumped over (a clock_step gap): no time passed in it' }),
            smeared: Type.Boolean({ description: 'a backward step smeared: for 2 × |stepMs| after it, stamps ran at half speed (sweeps look closer together than they were)' }),
          }),
          { description: 'steps of the collector\'s system clock in the range (METHODS.md, "Clock")' },
        ),
      }),
    ),
  },
  { description: 'what a reader of these numbers needs to cite and reproduce them (METHODS.md)' },
);
