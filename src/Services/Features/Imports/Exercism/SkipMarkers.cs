using System.Text.RegularExpressions;
using LearningPlatform.Services.Features.Exercises;

namespace LearningPlatform.Services.Features.Imports.Exercism;

/// <summary>
/// Tracks ship every test but the first skipped, for learners who run them locally one at a time; Exercism's own test
/// runners remove the skips before running, and so does the import: a learner here sees every test.
/// </summary>
public static partial class SkipMarkers
{
    public static string Remove(string language, string test) => language switch
    {
        ProgrammingLanguages.JavaScript => JsSkips().Replace(test, m => m.Groups["api"].Value + "("),
        ProgrammingLanguages.Python => PythonSkips().Replace(test, ""),
        ProgrammingLanguages.CSharp => CSharpSkipAlone().Replace(CSharpSkipAmong().Replace(test, ""), ""),
        _ => test,
    };

    // xtest( xit( xdescribe( and test.skip( it.skip( describe.skip( → the plain call.
    [GeneratedRegex(@"\bx(?<api>test|it|describe)\s*\(|\b(?<api>test|it|describe)\.skip\s*\(")]
    private static partial Regex JsSkips();

    // A line holding only a skip decorator: @pytest.mark.skip, @pytest.mark.skip(reason=...), @unittest.skip("...").
    [GeneratedRegex(@"^[ \t]*@(?:pytest\.mark\.skip|unittest\.skip)\b[^\n]*\r?\n", RegexOptions.Multiline)]
    private static partial Regex PythonSkips();

    // [Fact(Skip = "…")] → [Fact]; [Theory(Skip = "…")] likewise.
    [GeneratedRegex(@"\(\s*Skip\s*=\s*@?""(?:[^""\\]|\\.)*""\s*\)")]
    private static partial Regex CSharpSkipAlone();

    // Skip among other named arguments: [Fact(DisplayName = "x", Skip = "…")].
    [GeneratedRegex(@"\s*,\s*Skip\s*=\s*@?""(?:[^""\\]|\\.)*""|(?<=\(\s*)Skip\s*=\s*@?""(?:[^""\\]|\\.)*""\s*,\s*")]
    private static partial Regex CSharpSkipAmong();
}
