using System.Collections.Concurrent;
using LearningPlatform.Hub.Features.Diagnostics;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// The sessions open on this hub process and their live diagnostics: the pipeline keeps per-session analysis state
/// in memory, so it is fed the files when a connection opens a session and told to forget it when the last
/// connection of this process holding it goes.
/// </summary>
public sealed class LocalSessions(DiagnosticsPipeline pipeline, ILogger<LocalSessions> logger)
{
    private readonly ConcurrentDictionary<string, int> _holders = new(StringComparer.Ordinal);

    /// <summary>A connection of this process holds the session from now on.</summary>
    public void Acquire(SessionState state) => _holders.AddOrUpdate(state.SessionId, 1, (_, n) => n + 1);

    /// <summary>A connection let go of the session; the last one ends its analysis here.</summary>
    public void Release(string sessionId)
    {
        var left = _holders.AddOrUpdate(sessionId, 0, (_, n) => n - 1);
        if (left <= 0 && _holders.TryRemove(new KeyValuePair<string, int>(sessionId, left)))
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

    /// <summary>Feeds an accepted edit to the pipeline without holding up the edit's answer.</summary>
    public void Analyze(DocumentUpdate update) => _ = Task.Run(async () =>
    {
        try
        {
            await pipeline.DocumentChangedAsync(update);
        }
        catch (OperationCanceledException)
        {
            // the host is stopping
        }
        catch (Exception e)
        {
            WorkbenchLog.DiagnosticsFailed(logger, update.SessionId, e);
        }
    });
}
