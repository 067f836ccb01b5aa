using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Feedback;

namespace LearningPlatform.Services.Tests.Features.Feedback;

public sealed class ExplainerTests
{
    [Theory]
    [InlineData("AssertionError: assert 'Hello, World!' == 'Hello, Ada!'\n  - Hello, Ada!\n  + Hello, World!", "'Hello, Ada!'", "'Hello, World!'")]
    [InlineData("assert 4 == 5\n +  where 4 = add(2, 2)", "5", "4")]
    [InlineData("Assert.Equal() Failure: Strings differ\n           ↓ (pos 7)\nExpected: \"Hello, Ada!\"\nActual:   \"Hello, World!\"", "\"Hello, Ada!\"", "\"Hello, World!\"")]
    [InlineData("expect(received).toEqual(expected)\n\nExpected: [1, 2]\nReceived: [2, 1]", "[1, 2]", "[2, 1]")]
    public void Values_of_pytest_xunit_and_jest_assertions_are_parsed(string message, string expected, string actual)
    {
        Assert.Equal((expected, actual), Explainer.Values(message));
    }

    [Theory]
    [InlineData("csharp", "CS1002", "; expected", "Missing semicolon")]
    [InlineData("csharp", "CS0029", "Cannot implicitly convert type 'string' to 'int'", "Wrong type of value")]
    [InlineData("csharp", "CS0161", "'Program.Sign(int)': not all code paths return a value", "Not every path returns a value")]
    [InlineData("python", "SyntaxError", "expected ':'", "Syntax error")]
    [InlineData("javascript", "SyntaxError", "Unexpected token '}'", "Syntax error")]
    public void Compile_errors_get_a_plain_title(string language, string code, string message, string title)
    {
        var result = Result(RunVerdict.CompileError, [], [new CompileDiagnostic("f", 1, 1, "error", code, message)]);

        Assert.Equal(title, Explainer.Explain(result, language, 10)[0].Title);
    }

    [Theory]
    [InlineData("python", "IndexError: list index out of range", "Index out of range")]
    [InlineData("python", "ZeroDivisionError: division by zero", "Division by zero")]
    [InlineData("python", "RecursionError: maximum recursion depth exceeded", "Too much recursion")]
    [InlineData("python", "KeyError: 'age'", "Missing key")]
    [InlineData("javascript", "TypeError: words.mapp is not a function", "Not a function")]
    [InlineData("javascript", "TypeError: Cannot read properties of undefined (reading 'length')", "Reading from undefined")]
    [InlineData("javascript", "ReferenceError: wrods is not defined", "Unknown name")]
    [InlineData("javascript", "RangeError: Maximum call stack size exceeded", "Value out of range")]
    public void Runtime_errors_in_tests_are_explained(string language, string message, string title)
    {
        var result = Result(RunVerdict.Failed, [new TestResult("t", TestStatus.Error, message)], []);

        Assert.Equal(title, Explainer.Explain(result, language, 10)[0].Title);
    }

    [Fact]
    public void A_timeout_without_messages_points_at_endless_loops()
    {
        var item = Explainer.Explain(Result(RunVerdict.Timeout, [], []), "python", 10).Single();

        Assert.Contains("never ends", item.Explanation);
    }

    private static RunResult Result(RunVerdict verdict, IReadOnlyList<TestResult> tests, IReadOnlyList<CompileDiagnostic> diagnostics) =>
        new("r", 3, TestStatus.Error, null, tests, verdict, diagnostics, new RunTimings(0, 0, 0, 0), new ResourceUsage(null, null, null));
}
