using LearningPlatform.Contracts.Workbench;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>
/// One file of a session at one version, as an analyzer sees it. <see cref="Files"/> holds the latest known text of
/// every file of the session (the edited one included), for languages that compile files together.
/// </summary>
/// <param name="Changes">The Monaco changes from the previous version, when the client sent them: a hint for
/// incremental parsing, always checked against <see cref="Text"/>.</param>
public sealed record DocumentSnapshot(
    string SessionId,
    string File,
    long Version,
    string Text,
    IReadOnlyList<ContentChange>? Changes,
    IReadOnlyDictionary<string, string> Files);

/// <summary>Markers of the slow layers. A <c>null</c> layer is one the language does not have: nothing is pushed.</summary>
public sealed record SemanticMarkers(IReadOnlyList<Marker>? Compiler, IReadOnlyList<Marker>? Lint);

/// <summary>
/// Live diagnostics of one language. Implementations keep per-session state (for example a compilation) and must
/// be safe to call concurrently for different files; the pipeline calls <see cref="SyntaxAsync"/> for one file one
/// version at a time, in increasing versions. Neither method may run the learner's code. The token carries the
/// pipeline's time limit; an analyzer that must wait before it can start (an out-of-process helper) may instead
/// time only its own work and throw <see cref="TimeoutException"/> past the limit: both give the "took too long" note.
/// </summary>
public interface ILanguageAnalyzer
{
    /// <summary>Name of the language, for logs.</summary>
    string Language { get; }

    /// <summary>Whether this analyzer handles <paramref name="file"/> (by its extension).</summary>
    bool Handles(string file);

    /// <summary>Fast layer, right after each edit: parse errors.</summary>
    ValueTask<IReadOnlyList<Marker>> SyntaxAsync(DocumentSnapshot document, CancellationToken cancellationToken);

    /// <summary>Slow layers, after the debounce: compiler and lint markers. Honours cancellation promptly.</summary>
    Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken);

    /// <summary>Drops the state kept for <paramref name="sessionId"/>.</summary>
    void Forget(string sessionId);
}
