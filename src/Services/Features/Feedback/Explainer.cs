using System.Text.RegularExpressions;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.Services.Features.Feedback;

/// <summary>
/// Turns a run's compiler diagnostics, failing tests and runtime errors into feedback a learner can act on: a plain
/// explanation of common C# compiler errors and Python/JavaScript exceptions, and the expected and actual values
/// of a failed assertion (pytest, Jest, xunit).
/// </summary>
public static partial class Explainer
{
    private sealed record Explanation(string Title, string Text);

    // {0} is the first quoted name in the tool's message, when there is one.
    private static readonly Dictionary<string, Explanation> CSharp = new(StringComparer.Ordinal)
    {
        ["CS0103"] = new("Unknown name", "C# cannot find anything called '{0}' here. Check the spelling and capital letters, declare it before you use it (for example `var {0} = ...;`), and make sure it is declared in this block or method, not inside another one."),
        ["CS0029"] = new("Wrong type of value", "You are putting a value of one type where another type is expected ({1}). Convert it (for example `int.Parse(text)` or `number.ToString()`) or change the variable's type."),
        ["CS1002"] = new("Missing semicolon", "C# expects `;` at the end of this statement. Add it at the end of the line the error points to (or the line before)."),
        ["CS0161"] = new("Not every path returns a value", "The method '{0}' promises to return a value, but some way through it reaches the end without `return`. Add a `return` after the last `if`/`else` or loop."),
        ["CS0266"] = new("Needs an explicit conversion", "This conversion can lose information ({1}), so C# wants you to say so with a cast, for example `(int)value`, or use a method such as `Math.Round`."),
        ["CS1061"] = new("No such member", "The type has no method or property called '{1}'. Check the spelling and capitals (C# members usually start with a capital letter, like `Length` or `ToUpper()`), and check the type of the value you call it on."),
        ["CS0019"] = new("Operator does not fit these types", "The operator '{0}' cannot be used with these two types. Compare or combine values of the same type, for example convert a number to a string or a string to a number first."),
        ["CS0165"] = new("Variable used before it has a value", "The variable '{0}' might not have a value yet when it is used. Give it a starting value where you declare it, for example `int {0} = 0;`."),
        ["CS0117"] = new("Type has no such member", "'{0}' does not contain '{1}'. Check the spelling, and whether you meant another type or an instance rather than the type itself."),
        ["CS1525"] = new("Unexpected symbol", "C# found something it did not expect in an expression ('{0}'). Look for a missing value, an extra operator, or an unclosed bracket just before this point."),
        ["CS1513"] = new("Missing closing brace", "A `}` is missing. Count your braces: every `{` needs a matching `}`."),
        ["CS1026"] = new("Missing closing parenthesis", "A `)` is missing. Every `(` needs a matching `)`."),
        ["CS0246"] = new("Unknown type", "C# cannot find the type '{0}'. Check the spelling, or add the `using` for its namespace."),
        ["CS0128"] = new("Declared twice", "A variable named '{0}' is already declared here. Use another name, or drop the type to assign to the existing one."),
        ["CS0120"] = new("Needs an object", "'{0}' belongs to an object, but it is used from a static place. Make it `static`, or create an object and call it on that."),
        ["CS7036"] = new("Missing argument", "The call does not pass every required argument ('{0}'). Compare the call with the method's parameters."),
        ["CS1503"] = new("Argument of the wrong type", "An argument does not have the type the method expects. Check the order and types of what you pass."),
    };

    private static readonly Dictionary<string, Explanation> Python = new(StringComparer.Ordinal)
    {
        ["NameError"] = new("Unknown name", "Python does not know the name '{0}'. Check the spelling, define it (or import it) before this line, and make sure it is not only defined inside another function."),
        ["TypeError"] = new("Wrong type of value", "An operation got a value of a type it cannot handle ({1}). Check what each value is, for example convert with `int(...)` or `str(...)`, and check how many arguments you pass to the function."),
        ["IndexError"] = new("Index out of range", "You asked for a position that the list or string does not have. Positions go from 0 to `len(x) - 1`; check your loop bounds and empty lists."),
        ["KeyError"] = new("Missing key", "The dictionary has no key {1}. Check the key's spelling, or use `d.get(key, default)` or `if key in d:` first."),
        ["AttributeError"] = new("No such attribute", "The value has no attribute '{1}'. Check the spelling and the type of the value (a `None` here often means a function returned nothing)."),
        ["ZeroDivisionError"] = new("Division by zero", "The code divides by zero. Check the divisor first, for example `if count == 0: return 0`."),
        ["IndentationError"] = new("Indentation", "Python uses indentation to group lines. Make the lines of one block line up (4 spaces each level), and indent after every line ending in `:`."),
        ["SyntaxError"] = new("Syntax error", "Python could not read this line. Look for a missing `:` after `if`/`for`/`def`, an unclosed bracket or quote, or `=` where `==` was meant."),
        ["RecursionError"] = new("Too much recursion", "The function keeps calling itself without stopping. Make sure there is a base case that returns without recursing, and that each call moves towards it."),
        ["AssertionError"] = new("Assertion failed", "A test's check did not hold: the function returned something other than what the test expects."),
        ["ValueError"] = new("Bad value", "A function got a value of the right type but the wrong content ({1}), for example `int(\"abc\")`."),
        ["NotImplementedError"] = new("Not implemented yet", "The starter code is still there: replace `raise NotImplementedError` with your solution."),
    };

    private static readonly Dictionary<string, Explanation> JavaScript = new(StringComparer.Ordinal)
    {
        ["ReferenceError"] = new("Unknown name", "JavaScript does not know '{0}'. Check the spelling, declare it with `let` or `const` before using it, and make sure it is in scope."),
        ["TypeError:not-a-function"] = new("Not a function", "'{0}' is not a function, so it cannot be called with `()`. Check the spelling and what the value really is (a property, a missing export, or `undefined`)."),
        ["TypeError:undefined"] = new("Reading from undefined", "The code reads '{0}' from a value that is `undefined` (or `null`). Check that the variable, array element or object property exists before using it, and that functions return a value."),
        ["TypeError"] = new("Wrong type of value", "A value was used in a way its type does not allow ({1}). Check what each value is at this point."),
        ["SyntaxError"] = new("Syntax error", "JavaScript could not read the code. Look for a missing bracket, brace or quote, or a misplaced comma."),
        ["RangeError"] = new("Value out of range", "A value is outside what is allowed ({1}). A 'Maximum call stack size exceeded' means a recursive function never stops: check its base case."),
    };

    public static List<FeedbackItem> Explain(RunResult result, string language, int maxItems)
    {
        var items = new List<FeedbackItem>();
        foreach (var d in result.Diagnostics.Where(d => d.Severity == "error"))
        {
            items.Add(FromDiagnostic(d, language));
        }

        foreach (var test in result.Tests.Where(t => t.Status != TestStatus.Pass && !string.IsNullOrEmpty(t.Message)))
        {
            items.Add(FromTest(test, language));
        }

        // Hidden checks: their number and description only; their values and errors are not the learner's to see.
        var checks = result.Checks ?? [];
        foreach (var check in checks.Where(c => c.Status != TestStatus.Pass))
        {
            items.Add(new FeedbackItem
            {
                Kind = "check", Code = "hidden-check", Title = $"Hidden check {check.Number} of {checks.Count} failed",
                Explanation = (check.Description is { Length: > 0 } d ? $"It checks: {d}. " : "")
                    + "Hidden checks try cases the visible tests do not show. Think about the edge cases the instructions mention and test them yourself.",
            });
        }

        if (items.Count == 0 && result.Verdict != RunVerdict.Passed)
        {
            items.Add(FromVerdict(result, language));
        }

        return [.. items.Take(maxItems)];
    }

    private static FeedbackItem FromDiagnostic(CompileDiagnostic d, string language)
    {
        var table = language == "csharp" ? CSharp : language == "python" ? Python : JavaScript;
        var code = language == "csharp" ? d.Code : ExceptionName(d.Code + ": " + d.Message, language)?.Key ?? d.Code;
        var explanation = table.GetValueOrDefault(code) ?? new Explanation("Compiler error", "The code does not compile yet. Read the message and fix the line it points to; later errors are often caused by the first one.");
        return new FeedbackItem
        {
            Kind = "compile", Code = code, Title = explanation.Title, Explanation = Fill(explanation.Text, d.Message),
            File = d.File, Line = d.Line, Original = $"{d.Code}: {d.Message}",
        };
    }

    private static FeedbackItem FromTest(TestResult test, string language)
    {
        var message = StripAnsi(test.Message!);
        var (expected, actual) = Values(message);
        var exception = ExceptionName(message, language);
        if (exception is { } ex && ex.Key != "AssertionError")
        {
            return new FeedbackItem
            {
                Kind = "runtime", Code = ex.Code, Title = ex.Explanation.Title, Explanation = Fill(ex.Explanation.Text, ex.Message),
                Test = test.Name, Expected = expected, Actual = actual, Original = FirstLines(message),
            };
        }

        var text = expected is not null
            ? $"The test expected {expected} but your code gave {actual}. Compare the two: look for differences in spelling, spaces, punctuation, capital letters or type."
            : "A check in this test did not hold. Read the test to see which input it uses and what it expects.";
        return new FeedbackItem
        {
            Kind = "test", Code = "assertion", Title = "Wrong result", Explanation = text,
            Test = test.Name, Expected = expected, Actual = actual, Original = FirstLines(message),
        };
    }

    private static FeedbackItem FromVerdict(RunResult result, string language)
    {
        var message = StripAnsi(result.Message ?? result.Output ?? "");
        if (ExceptionName(message, language) is { } ex)
        {
            return new FeedbackItem { Kind = "runtime", Code = ex.Code, Title = ex.Explanation.Title, Explanation = Fill(ex.Explanation.Text, ex.Message), Original = FirstLines(message) };
        }

        var (title, text) = result.Verdict switch
        {
            RunVerdict.Timeout => ("Too slow", "The code did not finish in time. Look for a loop that never ends (its condition never becomes false) or recursion without a base case."),
            RunVerdict.MemoryLimit => ("Too much memory", "The code used more memory than allowed. Look for a list that keeps growing inside a loop that never ends."),
            RunVerdict.OutputLimit => ("Too much output", "The code printed too much. Remove debug prints inside loops."),
            RunVerdict.InternalError => ("Not your fault", "The runner had a problem. Try again in a moment."),
            _ => ("The code stopped", "The code stopped with an error before the tests finished. Read the message below."),
        };
        return new FeedbackItem { Kind = "limit", Code = result.Verdict.ToString(), Title = title, Explanation = text, Original = FirstLines(message) };
    }

    private sealed record Found(string Key, string Code, Explanation Explanation, string Message);

    private static Found? ExceptionName(string message, string language)
    {
        if (language == "python")
        {
            var m = PythonException().Match(message);
            return m.Success && Python.TryGetValue(m.Groups["name"].Value, out var e) ? new(m.Groups["name"].Value, m.Groups["name"].Value, e, m.Groups["msg"].Value) : null;
        }

        if (language == "javascript")
        {
            var m = JsException().Match(message);
            if (!m.Success)
            {
                return null;
            }

            var name = m.Groups["name"].Value;
            var msg = m.Groups["msg"].Value;
            var key = name == "TypeError" && msg.Contains("is not a function", StringComparison.Ordinal) ? "TypeError:not-a-function"
                : name == "TypeError" && (msg.Contains("of undefined", StringComparison.Ordinal) || msg.Contains("of null", StringComparison.Ordinal)) ? "TypeError:undefined"
                : name;
            return JavaScript.TryGetValue(key, out var e) ? new(key, name, e, msg) : null;
        }

        var cs = CSharpException().Match(message);
        return cs.Success
            ? new(cs.Groups["name"].Value, cs.Groups["name"].Value, new Explanation("Exception", $"The code threw {cs.Groups["name"].Value} ({{1}}). Read where it was thrown and check the values used there."), cs.Groups["msg"].Value)
            : null;
    }

    /// <summary>Expected and actual values of a failed assertion: Jest, xunit, pytest introspection; nulls when none.</summary>
    public static (string? Expected, string? Actual) Values(string message)
    {
        message = StripAnsi(message);
        var expected = ExpectedLine().Match(message);
        var received = ReceivedLine().Match(message);
        if (expected.Success && received.Success)
        {
            return (expected.Groups[1].Value.Trim(), received.Groups[1].Value.Trim());
        }

        // pytest: "assert <actual> == <expected>" with the values already substituted (left is the call under test)
        var pytest = PytestAssert().Match(message);
        if (pytest.Success)
        {
            return (pytest.Groups["right"].Value.Trim(), pytest.Groups["left"].Value.Trim());
        }

        return (null, null);
    }

    // {0}: first quoted name; {1}: the whole message (or its second quoted name when there is one).
    private static string Fill(string template, string message)
    {
        var quoted = Quoted().Matches(message).Select(m => m.Groups[1].Value).ToList();
        var first = quoted.FirstOrDefault() ?? FirstWord(message);
        var second = quoted.Count > 1 ? quoted[1] : quoted.Count == 1 && template.Contains("{1}") && !template.Contains("{0}") ? quoted[0] : message.Trim();
        return template.Replace("{0}", first).Replace("{1}", second);
    }

    private static string FirstWord(string message) => message.Trim().Split(' ', 2)[0].Trim('\'', '"', '`');

    private static string FirstLines(string message) => string.Join('\n', message.Split('\n').Take(8)).Trim();

    private static string StripAnsi(string text) => Ansi().Replace(text, "");

    [GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();

    [GeneratedRegex(@"['""`‘’]([^'""`‘’]+)['""`‘’]")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^\s*Expected(?: value)?:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectedLine();

    [GeneratedRegex(@"^\s*(?:Received|Actual)(?: value)?:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex ReceivedLine();

    [GeneratedRegex(@"assert (?<left>.+?) == (?<right>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex PytestAssert();

    [GeneratedRegex(@"\b(?<name>[A-Z][A-Za-z]*Error)\b:?\s*(?<msg>[^\n]*)")]
    private static partial Regex PythonException();

    [GeneratedRegex(@"\b(?<name>ReferenceError|TypeError|SyntaxError|RangeError)\b:\s*(?<msg>[^\n]*)")]
    private static partial Regex JsException();

    [GeneratedRegex(@"\b(?<name>System\.[A-Za-z.]*Exception)\b:?\s*(?<msg>[^\n]*)")]
    private static partial Regex CSharpException();
}
