using System.Text.Json.Serialization;

namespace LearningPlatform.Contracts.Workbench;

/// <summary>Severity of a <see cref="Marker"/>, with Monaco's <c>MarkerSeverity</c> values.</summary>
[JsonConverter(typeof(JsonNumberEnumConverter<MarkerSeverity>))]
public enum MarkerSeverity
{
    /// <summary>A suggestion, shown as faint dots.</summary>
    Hint = 1,

    /// <summary>Information.</summary>
    Info = 2,

    /// <summary>A warning: the code runs but is probably not what was meant.</summary>
    Warning = 4,

    /// <summary>An error: the code does not parse or compile.</summary>
    Error = 8,
}

/// <summary>
/// One diagnostic in the shape of Monaco's <c>IMarkerData</c>, so the client passes it to
/// <c>monaco.editor.setModelMarkers</c> unchanged. Lines and columns are 1-based; the end column is exclusive.
/// </summary>
/// <param name="StartLineNumber">First line of the range, 1-based.</param>
/// <param name="StartColumn">First column of the range, 1-based, in UTF-16 code units.</param>
/// <param name="EndLineNumber">Last line of the range, 1-based.</param>
/// <param name="EndColumn">Column just after the range, 1-based.</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Message">What is wrong, for the learner.</param>
/// <param name="Code">The diagnostic's id, for example <c>CS0029</c>, or <c>null</c>.</param>
/// <param name="Source">Which layer produced it: one of <see cref="DiagnosticsLayer"/>.</param>
public sealed record Marker(
    [property: JsonPropertyName("startLineNumber")] int StartLineNumber,
    [property: JsonPropertyName("startColumn")] int StartColumn,
    [property: JsonPropertyName("endLineNumber")] int EndLineNumber,
    [property: JsonPropertyName("endColumn")] int EndColumn,
    [property: JsonPropertyName("severity")] MarkerSeverity Severity,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("source")] string Source);

/// <summary>
/// The layers of live diagnostics. Each is pushed separately and replaces the previous markers of the same layer for
/// that file (the client uses the layer as the Monaco marker owner).
/// </summary>
public static class DiagnosticsLayer
{
    /// <summary>Parse errors, computed right after each edit.</summary>
    public const string Syntax = "syntax";

    /// <summary>Compiler (type checking) errors and warnings, computed after a short pause in typing.</summary>
    public const string Compiler = "compiler";

    /// <summary>Style and likely-mistake warnings from cheap lint rules, computed with the compiler layer.</summary>
    public const string Lint = "lint";

    /// <summary>All layers.</summary>
    public static readonly IReadOnlyList<string> All = [Syntax, Compiler, Lint];
}

/// <summary>
/// One change of a Monaco <c>IModelContentChange</c>: replace <see cref="RangeLength"/> characters at
/// <see cref="RangeOffset"/> of the previous version with <see cref="Text"/>. All changes of one edit refer to the
/// previous version (Monaco applies them from the end backwards, so they never shift each other).
/// </summary>
/// <param name="RangeOffset">Offset of the replaced range in the previous version, in UTF-16 code units.</param>
/// <param name="RangeLength">Length of the replaced range.</param>
/// <param name="Text">The new text of the range.</param>
public sealed record ContentChange(
    [property: JsonPropertyName("rangeOffset")] int RangeOffset,
    [property: JsonPropertyName("rangeLength")] int RangeLength,
    [property: JsonPropertyName("text")] string Text);
