import * as z from 'zod';
const to = z.union([z.string(), z.array(z.string())], { error: (i) => i.code === 'invalid_union' ? `custom (${JSON.stringify(i.input)})` : undefined });
console.log(JSON.stringify(to.safeParse(5).error?.issues));
console.log(JSON.stringify(to.safeParse([5]).error?.issues));
const rec = z.record(z.string(), z.number()).refine((v) => Object.keys(v).length > 0, { error: 'empty' }).meta({ description: 'x', minProperties: 1, propertyNames: { pattern: '^a' } }).default({});
console.log(JSON.stringify(z.toJSONSchema(z.object({ r: rec, a: z.array(z.string()).meta({ minItems: 1, description: 'p' }).default([]) }), { io: 'input' })));
console.log(JSON.stringify(z.object({ a: z.array(z.string()).min(1).default([]) }).safeParse({})));
