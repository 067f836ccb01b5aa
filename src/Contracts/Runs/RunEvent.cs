using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace LearningPlatform.Contracts.Runs;

/// <summary>
/// Something that happened during a run, in order. Serialized polymorphically with a <c>type</c> discriminator:
/// <c>accepted</c>, <c>started</c>, <c>compiled</c>, <c>test_started</c>, <c>test_finished</c>, <c>output</c>,
/// <c>check_finished</c>, <c>finished</c>. Every run's stream ends with exactly one <c>finished</c> event (also for rejected runs).
/// The hub relays these same records.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Sequence">1, 2, 3... within the run; consumers can drop duplicates (at-least-once delivery).</param>
/// <param name="At">When the runner emitted it.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RunAccepted), RunEventTypes.Accepted)]
[JsonDerivedType(typeof(RunStarted), RunEventTypes.Started)]
[JsonDerivedType(typeof(RunCompiled), RunEventTypes.Compiled)]
[JsonDerivedType(typeof(TestStarted), RunEventTypes.TestStarted)]
[JsonDerivedType(typeof(TestFinished), RunEventTypes.TestFinished)]
[JsonDerivedType(typeof(RunOutput), RunEventTypes.Output)]
[JsonDerivedType(typeof(CheckFinished), RunEventTypes.CheckFinished)]
[JsonDerivedType(typeof(RunFinished), RunEventTypes.Finished)]
public abstract record RunEvent(string RunId, long Sequence, DateTimeOffset At);

/// <summary>The runner took the request off the queue and admitted it.</summary>
public sealed record RunAccepted(string RunId, long Sequence, DateTimeOffset At) : RunEvent(RunId, Sequence, At);

/// <summary>The code entered its sandbox.</summary>
/// <param name="Warm">True when a pre-started (warm pool) sandbox took it.</param>
public sealed record RunStarted(string RunId, long Sequence, DateTimeOffset At, bool Warm) : RunEvent(RunId, Sequence, At);

/// <summary>Compilation (C#) or collection (Python/JS) finished; lists diagnostics and the tests that will run.</summary>
/// <param name="Success">False on compile errors; a <c>finished</c> event with verdict compile_error follows.</param>
/// <param name="Diagnostics">Errors and warnings.</param>
/// <param name="Tests">Names of the tests that will run, in order (empty when compilation failed).</param>
public sealed record RunCompiled(string RunId, long Sequence, DateTimeOffset At, bool Success,
    IReadOnlyList<CompileDiagnostic> Diagnostics, IReadOnlyList<string> Tests) : RunEvent(RunId, Sequence, At);

/// <summary>A test began.</summary>
public sealed record TestStarted(string RunId, long Sequence, DateTimeOffset At, string Name) : RunEvent(RunId, Sequence, At);

/// <summary>A test finished (one per test, as it finishes).</summary>
public sealed record TestFinished(string RunId, long Sequence, DateTimeOffset At, TestResult Test) : RunEvent(RunId, Sequence, At);

/// <summary>Output the code printed outside tests' captured output; capped per run.</summary>
public sealed record RunOutput(string RunId, long Sequence, DateTimeOffset At, string Text) : RunEvent(RunId, Sequence, At);

/// <summary>A hidden check was judged: its number, description and pass or fail, nothing of its values.</summary>
public sealed record CheckFinished(string RunId, long Sequence, DateTimeOffset At, CheckOutcome Check) : RunEvent(RunId, Sequence, At);

/// <summary>The run is over; carries the full result. Always the last event of a run.</summary>
public sealed record RunFinished(string RunId, long Sequence, DateTimeOffset At, RunResult Result) : RunEvent(RunId, Sequence, At);

/// <summary>
/// The run events' discriminators (the <c>type</c> of each event, and of its entry in the run's event stream), the one
/// list every producer and consumer uses: the <see cref="RunEvent"/> attributes name these constants.
/// </summary>
public static class RunEventTypes
{
    /// <summary>Wire names, as in <see cref="RunEvent"/>'s summary.</summary>
    public const string Accepted = "accepted", Started = "started", Compiled = "compiled", TestStarted = "test_started",
        TestFinished = "test_finished", Output = "output", CheckFinished = "check_finished", Finished = "finished";

    private static readonly FrozenDictionary<Type, string> Names = typeof(RunEvent).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToFrozenDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>The discriminator of <paramref name="e"/>.</summary>
    public static string Of(RunEvent e) => Names[e.GetType()];
}

/// <summary>
/// Where a run is, as the API and the workbench say it: one list for Services (<c>GET /api/runs/{id}</c>) and the
/// hub's sessions (their last run).
/// </summary>
public static class RunStatuses
{
    /// <summary>Accepted, not yet taken by a runner.</summary>
    public const string Queued = "queued";

    /// <summary>A runner has it (its <c>accepted</c> or <c>started</c> event came).</summary>
    public const string Running = "running";

    /// <summary>Its result is there.</summary>
    public const string Finished = "finished";

    /// <summary>Workbench only: its events stopped coming before the result (the relay gave up).</summary>
    public const string Lost = "lost";

    /// <summary>Workbench only: the learner stopped following it (the runner still finishes it).</summary>
    public const string Cancelled = "cancelled";
}
