using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>A session's saved text as Services keeps it.</summary>
public sealed record SessionBackupDto(string SessionId, string UserId, string ExerciseId, string CourseId, string Language, long Version,
    IReadOnlyList<ReadOnlyFile> Files, DateTimeOffset SavedAt);

/// <summary>
/// Writes learners' sessions through to the document store (Services), so that an accepted edit survives even an
/// emptied Redis: a session edited on this hub is saved once it has been dirty for <see cref="WorkbenchOptions.BackupDelay"/>
/// (so at most about that far behind the last accepted edit, in one batch for all due sessions), and at once when its
/// learner leaves. When Redis lacks a session, <see cref="RestoreAsync"/> finds the saved text.
/// </summary>
public sealed partial class SessionBackups(
    SessionStore store, IHttpClientFactory clients, ServiceTokens tokens, IOptions<WorkbenchOptions> options, TimeProvider time, ILogger<SessionBackups> logger)
    : BackgroundService
{
    private const string Path = "/api/sessions/backups";
    private readonly ConcurrentDictionary<string, Dirty> _dirty = new(StringComparer.Ordinal);
    private readonly WorkbenchOptions _o = options.Value;

    private sealed record Dirty(long Since, long Mark);

    private long _marks;

    /// <summary>An edit of the session was accepted: save it soon. One dictionary write per keystroke.</summary>
    public void MarkDirty(string sessionId)
    {
        var mark = Interlocked.Increment(ref _marks);
        _dirty.AddOrUpdate(sessionId, static (_, a) => new Dirty(a.Now, a.Mark), static (_, d, a) => d with { Mark = a.Mark }, (Now: time.GetTimestamp(), Mark: mark));
    }

    /// <summary>Saves the session now if it has unsaved edits (its learner left).</summary>
    public Task FlushAsync(string sessionId, CancellationToken cancellationToken) =>
        _dirty.ContainsKey(sessionId) ? SaveAsync([sessionId], cancellationToken) : Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_o.BackupInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var due = _dirty.Where(kv => time.GetElapsedTime(kv.Value.Since) >= _o.BackupDelay).Select(kv => kv.Key).Take(_o.MaxBackupBatch).ToList();
            if (due.Count > 0)
            {
                await SaveAsync(due, stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A clean shutdown saves everything still dirty.
        foreach (var chunk in _dirty.Keys.Chunk(_o.MaxBackupBatch))
        {
            await SaveAsync(chunk, cancellationToken);
        }
    }

    private async Task SaveAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken)
    {
        try
        {
            var marks = sessionIds.ToDictionary(id => id, id => _dirty.TryGetValue(id, out var d) ? d.Mark : 0);
            var backups = new List<SessionBackupDto>();
            foreach (var id in sessionIds)
            {
                if (await store.GetAsync(id) is { } s)
                {
                    backups.Add(new SessionBackupDto(s.SessionId, s.UserId, s.ExerciseId, s.CourseId, s.Language, s.Version,
                        [.. s.Files.Select(f => new ReadOnlyFile(f.Name, f.Content))], time.GetUtcNow()));
                }
            }

            if (backups.Count > 0)
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, Path) { Content = JsonContent.Create(backups) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For("hub"));
                using var response = await clients.CreateClient(ServicesClient.ClientName).SendAsync(request, cancellationToken);
                response.EnsureSuccessStatusCode();
            }

            // Saved as read: forget those not edited again since (an edit after the read stays dirty).
            foreach (var (id, mark) in marks)
            {
                _dirty.TryRemove(new KeyValuePair<string, Dirty>(id, _dirty.TryGetValue(id, out var d) && d.Mark == mark ? d : new Dirty(-1, -1)));
            }

            Log.Saved(logger, backups.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SaveFailed(logger, sessionIds.Count, e.Message); // Redis or Services down: they stay dirty, the next tick retries
        }
    }

    /// <summary>The saved text of a session Redis no longer has: by session id, or by learner and exercise.</summary>
    public async Task<SessionBackupDto?> RestoreAsync(string? sessionId, string? userId, string? exerciseId, CancellationToken cancellationToken)
    {
        var path = sessionId is not null
            ? $"{Path}/{Uri.EscapeDataString(sessionId)}"
            : $"{Path}?userId={Uri.EscapeDataString(userId!)}&exerciseId={Uri.EscapeDataString(exerciseId!)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For("hub"));
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ServicesClient.ClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new DependencyUnavailableException("Services do not answer.", e);
        }

        using var _ = response;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            // Services is recovering too (e.g. reloading revocations into an emptied Redis): an outage, said as such.
            throw new DependencyUnavailableException("Services are not ready yet.");
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<SessionBackupDto>(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2210, Level = LogLevel.Debug, Message = "Saved {Count} sessions to the document store")]
        public static partial void Saved(ILogger logger, int count);

        [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "Could not save {Count} sessions to the document store yet ({Reason}); retrying")]
        public static partial void SaveFailed(ILogger logger, int count, string reason);
    }
}
