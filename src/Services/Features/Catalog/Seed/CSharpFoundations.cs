using LearningPlatform.Services.Features.Exercises;
using static LearningPlatform.Services.Features.Catalog.Seed.SeedContent;

namespace LearningPlatform.Services.Features.Catalog.Seed;

/// <summary>C# course: xUnit tests with [Fact], [Theory] and Assert.*.</summary>
internal static class CSharpFoundations
{
    public const string CourseId = "csharp-foundations";

    public static SeedCourse Create()
    {
        Exercise[] firstSteps = [FizzBuzz(), SumOfEvens()];
        Exercise[] recursion = [Factorial()];
        var course = Course(
            CourseId,
            "C# Foundations",
            "Write your first C# methods: decide with conditionals, repeat with loops and solve a problem recursively, each step checked by xUnit tests.",
            Difficulties.Beginner,
            ProgrammingLanguages.CSharp,
            ["fundamentals", "dotnet", "unit-testing"],
            Concepts("Arrays"),
            ("first-steps", "First steps", firstSteps),
            ("recursion", "Thinking recursively", recursion));
        return new SeedCourse(course, [.. firstSteps, .. recursion]);
    }

    private static Exercise FizzBuzz() => new()
    {
        Id = "csharp-fizzbuzz",
        CourseId = CourseId,
        Title = "FizzBuzz",
        Language = ProgrammingLanguages.CSharp,
        Instructions = """
            # FizzBuzz

            Complete `FizzBuzz.Say(int number)` so that it returns:

            - `"Fizz"` when `number` is a multiple of 3,
            - `"Buzz"` when `number` is a multiple of 5,
            - `"FizzBuzz"` when it is a multiple of both,
            - otherwise the number itself, as text (`7` → `"7"`).

            Zero is a multiple of every number.
            """,
        StarterFiles =
        [
            File("FizzBuzz.cs", """
                public static class FizzBuzz
                {
                    public static string Say(int number)
                    {
                        // Your code here.
                        throw new System.NotImplementedException();
                    }
                }
                """),
        ],
        VisibleTests =
        [
            File("FizzBuzzTests.cs", """
                using Xunit;

                public class FizzBuzzTests
                {
                    [Fact]
                    public void Say_MultipleOfThree_ReturnsFizz()
                    {
                        Assert.Equal("Fizz", FizzBuzz.Say(3));
                    }

                    [Fact]
                    public void Say_MultipleOfFive_ReturnsBuzz()
                    {
                        Assert.Equal("Buzz", FizzBuzz.Say(5));
                    }

                    [Fact]
                    public void Say_MultipleOfFifteen_ReturnsFizzBuzz()
                    {
                        Assert.Equal("FizzBuzz", FizzBuzz.Say(15));
                    }

                    [Theory]
                    [InlineData(1, "1")]
                    [InlineData(2, "2")]
                    [InlineData(7, "7")]
                    public void Say_OtherNumbers_ReturnsTheNumber(int number, string expected)
                    {
                        Assert.Equal(expected, FizzBuzz.Say(number));
                    }
                }
                """),
        ],
        HiddenChecksJson = Checks(
            Check("FizzBuzz.Say", "[9]", "\"Fizz\"", "a multiple of 3"),
            Check("FizzBuzz.Say", "[99]", "\"Fizz\"", "a larger multiple of 3"),
            Check("FizzBuzz.Say", "[25]", "\"Buzz\"", "a multiple of 5"),
            Check("FizzBuzz.Say", "[100]", "\"Buzz\"", "a larger multiple of 5"),
            Check("FizzBuzz.Say", "[45]", "\"FizzBuzz\"", "a multiple of 15"),
            Check("FizzBuzz.Say", "[0]", "\"FizzBuzz\"", "zero"),
            Check("FizzBuzz.Say", "[98]", "\"98\"", "any other number")),
        Solution =
        [
            File("FizzBuzz.cs", """
                public static class FizzBuzz
                {
                    public static string Say(int number)
                    {
                        if (number % 15 == 0)
                        {
                            return "FizzBuzz";
                        }

                        if (number % 3 == 0)
                        {
                            return "Fizz";
                        }

                        if (number % 5 == 0)
                        {
                            return "Buzz";
                        }

                        return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
                """),
        ],
        Hints =
        [
            "The remainder operator `%` tells you whether one number divides another: `number % 3 == 0`.",
            "Check the \"both\" case first: a multiple of 15 is also a multiple of 3.",
            "`number.ToString()` turns the number into text.",
        ],
        ConceptsTaught = ["conditionals"],
        ConceptsPractised = ["variables", "functions"],
        TimeLimitMs = 10_000,
        MemoryLimitMb = 512,
    };

    private static Exercise SumOfEvens() => new()
    {
        Id = "csharp-sum-of-evens",
        CourseId = CourseId,
        Title = "Sum of the even numbers",
        Language = ProgrammingLanguages.CSharp,
        Instructions = """
            # Sum of the even numbers

            Complete `Numbers.SumOfEvens(int[] values)`: it returns the sum of the even numbers in `values`.

            - An empty array sums to `0`.
            - Negative even numbers count too (`-4` is even).
            - A `null` array is a mistake of the caller: throw an `ArgumentNullException`.
            """,
        StarterFiles =
        [
            File("Numbers.cs", """
                public static class Numbers
                {
                    public static int SumOfEvens(int[] values)
                    {
                        // Your code here.
                        throw new System.NotImplementedException();
                    }
                }
                """),
        ],
        VisibleTests =
        [
            File("NumbersTests.cs", """
                using Xunit;

                public class NumbersTests
                {
                    [Fact]
                    public void SumOfEvens_MixedNumbers_AddsTheEvenOnes()
                    {
                        Assert.Equal(6, Numbers.SumOfEvens(new[] { 1, 2, 3, 4 }));
                    }

                    [Fact]
                    public void SumOfEvens_Empty_ReturnsZero()
                    {
                        Assert.Equal(0, Numbers.SumOfEvens(new int[0]));
                    }

                    [Fact]
                    public void SumOfEvens_OnlyOddNumbers_ReturnsZero()
                    {
                        Assert.Equal(0, Numbers.SumOfEvens(new[] { 1, 3, 5 }));
                    }
                }
                """),
        ],
        HiddenChecksJson = Checks(
            Check("Numbers.SumOfEvens", "[[-2, -3, 4]]", "2", "negative numbers"),
            Check("Numbers.SumOfEvens", "[[10]]", "10", "a single number"),
            Check("Numbers.SumOfEvens", "[[0, 0, 7]]", "0", "zeros and no other even number"),
            Check("Numbers.SumOfEvens", "[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]]", "2550", "one to a hundred"),
            Throws("Numbers.SumOfEvens", "[null]", "ArgumentNullException", "rejects null")),
        Solution =
        [
            File("Numbers.cs", """
                public static class Numbers
                {
                    public static int SumOfEvens(int[] values)
                    {
                        System.ArgumentNullException.ThrowIfNull(values);
                        var sum = 0;
                        foreach (var value in values)
                        {
                            if (value % 2 == 0)
                            {
                                sum += value;
                            }
                        }

                        return sum;
                    }
                }
                """),
        ],
        Hints =
        [
            "Keep a running total in a variable that starts at 0.",
            "`foreach (var value in values)` visits every element; `value % 2 == 0` tells you it is even.",
            "`ArgumentNullException.ThrowIfNull(values)` does the null check in one line.",
        ],
        ConceptsTaught = ["loops", "lists"],
        ConceptsPractised = ["conditionals", "variables"],
        TimeLimitMs = 10_000,
        MemoryLimitMb = 512,
    };

    private static Exercise Factorial() => new()
    {
        Id = "csharp-factorial",
        CourseId = CourseId,
        Title = "Factorial, recursively",
        Language = ProgrammingLanguages.CSharp,
        Instructions = """
            # Factorial, recursively

            The factorial of `n` (written `n!`) is the product `1 × 2 × … × n`, and `0!` is `1`.

            Complete `Recursion.Factorial(int n)` **without a loop**: a method that calls itself.

            - `Factorial(0)` and `Factorial(1)` are `1`; `Factorial(5)` is `120`.
            - It returns a `long`, so `Factorial(20)` still fits.
            - A negative `n` has no factorial: throw an `ArgumentOutOfRangeException`.
            """,
        StarterFiles =
        [
            File("Recursion.cs", """
                public static class Recursion
                {
                    public static long Factorial(int n)
                    {
                        // Your code here.
                        throw new System.NotImplementedException();
                    }
                }
                """),
        ],
        VisibleTests =
        [
            File("RecursionTests.cs", """
                using Xunit;

                public class RecursionTests
                {
                    [Theory]
                    [InlineData(0, 1L)]
                    [InlineData(1, 1L)]
                    [InlineData(5, 120L)]
                    public void Factorial_SmallNumbers(int n, long expected)
                    {
                        Assert.Equal(expected, Recursion.Factorial(n));
                    }
                }
                """),
        ],
        HiddenChecksJson = Checks(
            Check("Recursion.Factorial", "[10]", "3628800", "10!"),
            Check("Recursion.Factorial", "[20]", "2432902008176640000", "20!, which needs a long"),
            Throws("Recursion.Factorial", "[-1]", "ArgumentOutOfRangeException", "rejects a negative number")),
        Solution =
        [
            File("Recursion.cs", """
                public static class Recursion
                {
                    public static long Factorial(int n)
                    {
                        System.ArgumentOutOfRangeException.ThrowIfNegative(n);
                        return n <= 1 ? 1 : n * Factorial(n - 1);
                    }
                }
                """),
        ],
        Hints =
        [
            "Start with the case that needs no recursion: for 0 and 1 the answer is 1.",
            "For larger n, `n! = n × (n - 1)!`: call `Factorial(n - 1)` and multiply.",
            "`ArgumentOutOfRangeException.ThrowIfNegative(n)` rejects negative input.",
        ],
        ConceptsTaught = ["recursion"],
        ConceptsPractised = ["functions", "conditionals"],
        TimeLimitMs = 10_000,
        MemoryLimitMb = 512,
    };
}
