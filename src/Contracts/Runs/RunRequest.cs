using System.Text.Json.Serialization;

namespace LearningPlatform.Contracts.Runs;

/// <summary>Languages the code runner can execute, each with its usual test style.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunLanguage>))]
public enum RunLanguage
{
    /// <summary>pytest files (plain <c>assert</c>, <c>unittest.TestCase</c> classes). Wire value <c>python</c>.</summary>
    [JsonStringEnumMemberName("python")] Python,

    /// <summary>Jest-style files on Node (CommonJS or ES modules). Wire value <c>javascript</c>.</summary>
    [JsonStringEnumMemberName("javascript")] JavaScript,

    /// <summary>xunit test classes ([Fact], [Theory] + [InlineData]). Wire value <c>csharp</c>.</summary>
    [JsonStringEnumMemberName("csharp")] CSharp,
}

/// <summary>Why a run was asked for. Wire values <c>run</c>, <c>submit</c>, <c>trial</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunMode>))]
public enum RunMode
{
    /// <summary>A learner's run against the visible tests.</summary>
    [JsonStringEnumMemberName("run")] Run,

    /// <summary>A learner's submission: visible tests and hidden checks; counts for progress.</summary>
    [JsonStringEnumMemberName("submit")] Submit,

    /// <summary>An author's reference solution or starter, run when an exercise is saved or imported; not subject to
    /// learners' per-user run rate.</summary>
    [JsonStringEnumMemberName("trial")] Trial,
}

/// <summary>One source file of a run. Names are plain file names (no directories), e.g. <c>add.py</c>.</summary>
/// <param name="Name">File name: letters, digits, <c>_ - .</c>; no path separators, not starting with a dot.</param>
/// <param name="Content">File text (UTF-8 on the way into the sandbox).</param>
/// <param name="IsTest">True for the exercise's test files; the others are the learner's solution files.</param>
public sealed record RunFile(string Name, string Content, bool IsTest = false);

/// <summary>
/// A request to run a learner's code against an exercise's tests. Producers add it to the
/// <see cref="RunStreams.Requests"/> stream (see <see cref="RunStreams"/> for the entry format).
/// </summary>
/// <param name="RunId">Unique id chosen by the producer (e.g. a GUID in "N" format); names the run's event stream.
/// Letters, digits, '-' and '_' only, at most 64 characters.</param>
/// <param name="UserId">The learner; the per-user concurrency limit applies to it.</param>
/// <param name="Language">Language of the files.</param>
/// <param name="Files">Solution and test files.</param>
/// <param name="SubmittedAt">When the learner submitted; the result's <c>queuedMs</c> counts from here.</param>
/// <param name="ExerciseId">Optional, carried through to the result for the consumer's convenience.</param>
/// <param name="CorrelationId">Optional, carried through to events and result.</param>
/// <param name="Checks">Hidden checks to judge after the visible tests (submits of graded exercises). Their
/// expectations stay in RunnerHost; only the calls enter the sandbox.</param>
/// <param name="Limits">The exercise's own limits, capped by the runner's.</param>
/// <param name="Mode">Why the run was asked for; authors' trials do not count against a user's run rate.</param>
/// <param name="AccountCreatedAt">When the submitter's account was created (from their token), if known: young
/// accounts share one lane of the runner's round-robin, so registering accounts buys no capacity.</param>
public sealed record RunRequest(
    string RunId,
    string UserId,
    RunLanguage Language,
    IReadOnlyList<RunFile> Files,
    DateTimeOffset SubmittedAt,
    string? ExerciseId = null,
    string? CorrelationId = null,
    IReadOnlyList<HiddenCheck>? Checks = null,
    RunLimits? Limits = null,
    RunMode Mode = RunMode.Run,
    DateTimeOffset? AccountCreatedAt = null);
