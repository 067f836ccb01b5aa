using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningPlatform.Contracts.Runs;

/// <summary>How RunnerHost compares the value a hidden check's call returned with the expected one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckComparison>))]
public enum CheckComparison
{
    /// <summary>Deep equality of the JSON values; numbers by value (<c>2</c> equals <c>2.0</c>). Wire value <c>exact</c>.</summary>
    [JsonStringEnumMemberName("exact")] Exact,

    /// <summary>As exact, but numbers may differ by <see cref="HiddenCheck.Tolerance"/> (absolute, or relative to the
    /// expected value's size, whichever is larger). Wire value <c>tolerance</c>.</summary>
    [JsonStringEnumMemberName("tolerance")] Tolerance,

    /// <summary>The expected value is an array; the actual one must hold the same elements in any order (each
    /// compared exactly). Wire value <c>unordered</c>.</summary>
    [JsonStringEnumMemberName("unordered")] Unordered,
}

/// <summary>One step of a check on an object: a method called on the instance the check constructed.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="Args">Its arguments as JSON values.</param>
public sealed record CheckStep(string Method, IReadOnlyList<JsonElement>? Args = null);

/// <summary>
/// A hidden check of an exercise: a call into the learner's code and the result it must give. Only the call
/// (<see cref="Call"/>, <see cref="Args"/>, <see cref="Steps"/>, <see cref="Stdin"/>) enters the sandbox; RunnerHost
/// keeps the expectation and judges the value the sandbox returns. See docs/hidden-checks-protocol.md.
/// </summary>
/// <param name="Call">Python/JavaScript: <c>module.function</c> (module = solution file name without extension), or
/// <c>module.Class</c> with <see cref="Steps"/>, or <c>module</c> with <see cref="Stdin"/> (a whole program). C#:
/// <c>Type.Method</c> (public static), <c>Type</c> with steps (its constructor takes <see cref="Args"/>), or
/// <c>Main</c> with stdin.</param>
/// <param name="Args">Arguments of the call (the constructor's with steps), as JSON values.</param>
/// <param name="Steps">Methods called in turn on the constructed object; the value is the array of their results.</param>
/// <param name="Stdin">Standard input of a whole-program check; the value is what the program printed.</param>
/// <param name="Expected">The value the call must return (ignored when <see cref="ExpectedError"/> is set).</param>
/// <param name="ExpectedError">The call must fail with an error of this type (or a subtype), e.g. <c>ValueError</c>.</param>
/// <param name="Compare">The comparison rule.</param>
/// <param name="Tolerance">For <see cref="CheckComparison.Tolerance"/>: the allowed difference.</param>
/// <param name="Description">What the check is about, for learners ("handles an empty list"); never its values.</param>
public sealed record HiddenCheck(
    string Call,
    IReadOnlyList<JsonElement>? Args = null,
    IReadOnlyList<CheckStep>? Steps = null,
    string? Stdin = null,
    JsonElement? Expected = null,
    string? ExpectedError = null,
    CheckComparison Compare = CheckComparison.Exact,
    double? Tolerance = null,
    string? Description = null);

/// <summary>What a learner may know of one hidden check's outcome: its number, its description and pass or fail.</summary>
/// <param name="Number">1-based position among the exercise's checks ("hidden check 3 of 7").</param>
/// <param name="Status">pass, fail, or error (did not run to a result: the checks stopped before it).</param>
/// <param name="Description">The author's description, if any.</param>
public sealed record CheckOutcome(int Number, TestStatus Status, string? Description = null);

/// <summary>
/// Everything about one hidden check's outcome, for the course's instructors and admins only: what the code
/// returned or threw, and why it was judged so. Travels in <see cref="Events.RunCompleted"/>, never in run events.
/// </summary>
/// <param name="Number">1-based position among the checks.</param>
/// <param name="Status">pass, fail or error.</param>
/// <param name="Reason">Why it did not pass (e.g. "expected 3, got 4", "raised ValueError", "not run: time limit").</param>
/// <param name="Actual">The value returned, when there was one.</param>
/// <param name="Error">The error's type and message, when the call failed.</param>
public sealed record CheckDetail(int Number, TestStatus Status, string? Reason = null, JsonElement? Actual = null, string? Error = null);

/// <summary>Limits of one run set by its exercise; RunnerHost caps each at its own maximum.</summary>
/// <param name="TimeMs">Wall-clock limit of each phase (visible tests, hidden checks).</param>
/// <param name="MemoryMb">Peak memory of the sandbox.</param>
/// <param name="OutputBytes">Output the code may print.</param>
public sealed record RunLimits(int? TimeMs = null, int? MemoryMb = null, long? OutputBytes = null);
