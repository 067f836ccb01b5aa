using LearningPlatform.Hub.Features.Diagnostics;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// The sessions open on this hub process and their live diagnostics: the pipeline keeps per-session analysis state
/// in memory, so it is fed the files when a connection opens a session and told to forget it when the last
/// connection of this process holding it goes.
/// </summary>
public sealed class LocalSessions(LiveSessions sessions, DiagnosticsPipeline pipeline)
{
    /// <summary>The session as open on this process, if a connection here holds it.</summary>
    public bool TryGet(string sessionId, out LiveSession live) => sessions.TryGet(sessionId, out live);

    /// <summary>A connection of this process holds the session from now on.</summary>
    public LiveSession Acquire(SessionState state, string connectionId) => sessions.Acquire(state, connectionId);

    /// <summary>A connection let go of the session; the last one ends its analysis here.</summary>
    public void Release(string sessionId, string connectionId)
    {
        if (sessions.Release(sessionId, connectionId))
        {
            pipeline.CloseSession(sessionId);
        }
    }

    /// <summary>Starts analysis of every file from the stored text, so a newly opened session gets its markers.</summary>
    public void Refresh(SessionState state)
    {
        // Start over: the pipeline only accepts versions newer than the ones it saw, and a reopening client needs
        // the markers of the current version again.
        pipeline.CloseSession(state.SessionId);
        pipeline.SetSessionFiles(state.SessionId, state.Files.ToDictionary(f => f.Name, f => f.Content, StringComparer.Ordinal));
        foreach (var file in state.Files.Where(f => pipeline.Handles(f.Name)))
        {
            Analyze(new DocumentUpdate(state.SessionId, file.Name, file.Version, file.Content));
        }
    }

    /// <summary>Queues an accepted edit for analysis; never holds up the edit's answer.</summary>
    public void Analyze(DocumentUpdate update) => pipeline.DocumentChanged(update);
}
