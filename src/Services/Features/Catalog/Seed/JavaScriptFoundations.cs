using LearningPlatform.Services.Features.Exercises;
using static LearningPlatform.Services.Features.Catalog.Seed.SeedContent;

namespace LearningPlatform.Services.Features.Catalog.Seed;

/// <summary>JavaScript course: Jest-style describe/test/expect, CommonJS modules.</summary>
internal static class JavaScriptFoundations
{
    public const string CourseId = "javascript-foundations";

    public static SeedCourse Create()
    {
        Exercise[] arraysAndStrings = [MaxOf(), CapitalizeWords()];
        Exercise[] recursion = [Fibonacci()];
        var course = Course(
            CourseId,
            "JavaScript Foundations",
            "JavaScript for people who know a little programming: arrays, strings and recursive functions, checked by Jest tests.",
            Difficulties.Intermediate,
            ProgrammingLanguages.JavaScript,
            ["fundamentals", "web", "unit-testing"],
            Concepts("Arrays"),
            ("arrays-and-strings", "Arrays and strings", arraysAndStrings),
            ("recursion", "Thinking recursively", recursion));
        return new SeedCourse(course, [.. arraysAndStrings, .. recursion]);
    }

    private static Exercise MaxOf() => new()
    {
        Id = "javascript-max-of",
        CourseId = CourseId,
        Title = "The largest number",
        Language = ProgrammingLanguages.JavaScript,
        Instructions = """
            # The largest number

            Complete `maxOf(numbers)` in `maxOf.js`: it returns the largest number of the array, or `undefined` when
            the array is empty. Write the loop yourself rather than calling `Math.max`.

            ```js
            maxOf([3, 7, 2]); // 7
            maxOf([]);        // undefined
            ```
            """,
        StarterFiles =
        [
            File("maxOf.js", """
                function maxOf(numbers) {
                  // Your code here.
                }

                module.exports = { maxOf };
                """),
        ],
        VisibleTests =
        [
            File("maxOf.test.js", """
                const { maxOf } = require('./maxOf');

                describe('maxOf', () => {
                  test('returns the largest number', () => {
                    expect(maxOf([3, 7, 2])).toBe(7);
                  });

                  test('returns undefined for an empty array', () => {
                    expect(maxOf([])).toBe(undefined);
                  });
                });
                """),
        ],
        HiddenChecksJson = Checks(
            Check("maxOf.maxOf", "[[-5, -2, -9]]", "-2", "works with negative numbers only"),
            Check("maxOf.maxOf", "[[42]]", "42", "works with a single number"),
            Check("maxOf.maxOf", "[[9, 1, 2]]", "9", "finds the largest when it comes first"),
            Check("maxOf.maxOf", "[[1, 2, 9]]", "9", "finds the largest when it comes last")),
        Solution =
        [
            File("maxOf.js", """
                function maxOf(numbers) {
                  if (numbers.length === 0) {
                    return undefined;
                  }

                  let max = numbers[0];
                  for (let i = 1; i < numbers.length; i++) {
                    if (numbers[i] > max) {
                      max = numbers[i];
                    }
                  }

                  return max;
                }

                module.exports = { maxOf };
                """),
        ],
        Hints =
        [
            "Handle the empty array first: `if (numbers.length === 0) return undefined;`.",
            "Start with the first number as the largest so far, then compare every other number with it.",
            "Do not start from 0: with only negative numbers, 0 would be wrong.",
        ],
        ConceptsTaught = ["lists", "loops"],
        ConceptsPractised = ["conditionals", "variables"],
        TimeLimitMs = 5_000,
        MemoryLimitMb = 256,
    };

    private static Exercise CapitalizeWords() => new()
    {
        Id = "javascript-capitalize-words",
        CourseId = CourseId,
        Title = "Capitalize every word",
        Language = ProgrammingLanguages.JavaScript,
        Instructions = """
            # Capitalize every word

            Complete `capitalizeWords(text)` in `capitalizeWords.js`: it returns `text` with the first letter of every
            word in upper case. Words are separated by spaces; keep the spaces exactly as they are and leave the
            other letters alone.

            ```js
            capitalizeWords('hello world');   // 'Hello World'
            capitalizeWords('  two  spaces'); // '  Two  Spaces'
            ```
            """,
        StarterFiles =
        [
            File("capitalizeWords.js", """
                function capitalizeWords(text) {
                  // Your code here.
                }

                module.exports = { capitalizeWords };
                """),
        ],
        VisibleTests =
        [
            File("capitalizeWords.test.js", """
                const { capitalizeWords } = require('./capitalizeWords');

                describe('capitalizeWords', () => {
                  test('capitalizes each word', () => {
                    expect(capitalizeWords('hello world')).toBe('Hello World');
                  });

                  test('returns an empty string unchanged', () => {
                    expect(capitalizeWords('')).toBe('');
                  });
                });
                """),
        ],
        HiddenChecksJson = Checks(
            Check("capitalizeWords.capitalizeWords", """["  two  spaces "]""", "\"  Two  Spaces \"", "keeps repeated and surrounding spaces"),
            Check("capitalizeWords.capitalizeWords", """["already Capital iPhone"]""", "\"Already Capital IPhone\"", "leaves the other letters alone"),
            Check("capitalizeWords.capitalizeWords", """["a"]""", "\"A\"", "handles a one-letter word"),
            Check("capitalizeWords.capitalizeWords", """["123 go"]""", "\"123 Go\"", "handles words starting with digits")),
        Solution =
        [
            File("capitalizeWords.js", """
                function capitalizeWords(text) {
                  return text
                    .split(' ')
                    .map((word) => (word.length === 0 ? word : word[0].toUpperCase() + word.slice(1)))
                    .join(' ');
                }

                module.exports = { capitalizeWords };
                """),
        ],
        Hints =
        [
            "`text.split(' ')` gives the words; two spaces in a row give an empty word, which keeps the spacing.",
            "`word[0].toUpperCase() + word.slice(1)` capitalizes one word (check it is not empty first).",
            "`words.join(' ')` puts the words back together.",
        ],
        ConceptsTaught = ["strings", "functions"],
        ConceptsPractised = ["lists"],
        TimeLimitMs = 5_000,
        MemoryLimitMb = 256,
    };

    private static Exercise Fibonacci() => new()
    {
        Id = "javascript-fibonacci",
        CourseId = CourseId,
        Title = "Fibonacci, recursively",
        Language = ProgrammingLanguages.JavaScript,
        Instructions = """
            # Fibonacci, recursively

            The Fibonacci numbers start `0, 1, 1, 2, 3, 5, 8, …`: each is the sum of the two before it.

            Complete `fib(n)` in `fibonacci.js` so that it returns the `n`-th Fibonacci number, with `fib(0) === 0`
            and `fib(1) === 1`, using recursion (a function that calls itself).

            Throw a `RangeError` when `n` is negative or not a whole number.
            """,
        StarterFiles =
        [
            File("fibonacci.js", """
                function fib(n) {
                  // Your code here.
                }

                module.exports = { fib };
                """),
        ],
        VisibleTests =
        [
            File("fibonacci.test.js", """
                const { fib } = require('./fibonacci');

                describe('fib', () => {
                  test('starts with 0 and 1', () => {
                    expect(fib(0)).toBe(0);
                    expect(fib(1)).toBe(1);
                  });

                  test('fib(10) is 55', () => {
                    expect(fib(10)).toBe(55);
                  });
                });
                """),
        ],
        HiddenChecksJson = Checks(
            Check("fibonacci.fib", "[2]", "1", "fib(2)"),
            Check("fibonacci.fib", "[20]", "6765", "a larger number"),
            Throws("fibonacci.fib", "[-1]", "RangeError", "rejects negative input"),
            Throws("fibonacci.fib", "[1.5]", "RangeError", "rejects fractional input")),
        Solution =
        [
            File("fibonacci.js", """
                function fib(n) {
                  if (!Number.isInteger(n) || n < 0) {
                    throw new RangeError('n must be a whole number, 0 or more');
                  }

                  if (n < 2) {
                    return n;
                  }

                  return fib(n - 1) + fib(n - 2);
                }

                module.exports = { fib };
                """),
        ],
        Hints =
        [
            "Two base cases end the recursion: `fib(0)` is 0 and `fib(1)` is 1.",
            "Every other case is `fib(n - 1) + fib(n - 2)`.",
            "`Number.isInteger(n)` is false for 1.5.",
        ],
        ConceptsTaught = ["recursion"],
        ConceptsPractised = ["functions", "conditionals"],
        TimeLimitMs = 5_000,
        MemoryLimitMb = 256,
    };
}
