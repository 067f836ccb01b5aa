// Hidden checks are written as JSON (the shape of src/Contracts/Runs/HiddenCheck.cs). They are read here before
// anything is sent, so a typo says where it is instead of a check silently expecting null.
const FIELDS = ['call', 'args', 'steps', 'stdin', 'expected', 'expectedError', 'compare', 'tolerance', 'description'];
const COMPARE = ['exact', 'tolerance', 'unordered'];

export const CHECKS_EXAMPLE = `[
  { "call": "greeting.greet", "args": ["  Ada "], "expected": "Hello, Ada!", "description": "drops spaces" },
  { "call": "stats.mean", "args": [[1, 2]], "expected": 1.5, "compare": "tolerance", "tolerance": 1e-9 },
  { "call": "bank.Account", "args": [10], "steps": [{ "method": "deposit", "args": [5] }, { "method": "balance" }], "expected": [null, 15] },
  { "call": "parse.number", "args": ["x"], "expectedError": "ValueError" }
]`;

/** Where in the text a JSON.parse error points, as "line L, column C". */
function position(text, error) {
  const at = /position (\d+)/.exec(error.message);
  if (!at) return '';
  const before = text.slice(0, Number(at[1])).split('\n');
  return ` at line ${before.length}, column ${before.at(-1).length + 1}`;
}

const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);

function problemOf(c) {
  if (!isObject(c)) return 'is not an object ({ "call": … })';
  const unknown = Object.keys(c).filter(k => !FIELDS.includes(k));
  if (unknown.length) return `has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(k => `"${k}"`).join(', ')} (the fields are ${FIELDS.join(', ')})`;
  if (typeof c.call !== 'string' || !c.call.trim()) return 'needs "call", e.g. "greeting.greet" (module.function), "bank.Account" with steps, or "main" with stdin';
  if (c.args != null && !Array.isArray(c.args)) return 'has "args" that is not an array (the arguments in order: "args": [1, "two"])';
  if (c.steps != null && (!Array.isArray(c.steps) || c.steps.some(s => !isObject(s) || typeof s.method !== 'string' || (s.args != null && !Array.isArray(s.args)))))
    return 'has "steps" that are not a list of { "method": "name", "args": [...] }';
  if (c.stdin != null && typeof c.stdin !== 'string') return 'has "stdin" that is not a string';
  if (c.compare != null && !COMPARE.includes(c.compare)) return `has "compare" "${c.compare}"; it is one of ${COMPARE.join(', ')}`;
  if (c.compare === 'tolerance' && typeof c.tolerance !== 'number') return 'compares with "tolerance" but gives no number "tolerance"';
  if (c.expectedError != null && typeof c.expectedError !== 'string') return 'has "expectedError" that is not an error type name';
  if (c.description != null && typeof c.description !== 'string') return 'has "description" that is not a string';
  return null;
}

/** `{ checks }` when the text is a valid list of hidden checks (empty text: none), else `{ error }` saying what and where. */
export function parseChecks(text) {
  if (!text.trim()) return { checks: [] };
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `Not valid JSON${position(text, e)}: ${e.message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')}.` };
  }
  if (!Array.isArray(value)) return { error: 'Hidden checks are a JSON array: [ { "call": …, "args": […], "expected": … }, … ].' };
  for (const [i, c] of value.entries()) {
    const problem = problemOf(c);
    if (problem) return { error: `Check ${i + 1} ${problem}.` };
  }
  return { checks: value };
}

/** The checks as text to edit: one per line, without the fields left at their defaults. */
export function formatChecks(checks) {
  if (!checks?.length) return '';
  const lean = checks.map(c => Object.fromEntries(Object.entries(c).filter(([k, v]) => v !== null && !(k === 'compare' && v === 'exact'))));
  return `[\n${lean.map(c => `  ${JSON.stringify(c)}`).join(',\n')}\n]`;
}
