using System.Collections.Concurrent;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// A session open on this hub process: a copy of its files at its latest version, so an edit is applied here and
/// written to Redis in one round trip (conditioned on the version, so a stale copy is never written); the
/// connections of this process that hold it, which get its live diagnostics directly; and whether anyone watches
/// it, on any hub, as Redis said at the last edit.
/// </summary>
public sealed class LiveSession
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly List<string> _connections = new(1);
    private string[] _connectionIds = [];

    public LiveSession(SessionState state)
    {
        (SessionId, UserId, CourseId) = (state.SessionId, state.UserId, state.CourseId);
        Reset(state);
    }

    public string SessionId { get; }

    public string UserId { get; }

    public string CourseId { get; }

    /// <summary>Someone watched the session when it was last edited from here (the next edit asks Redis again).</summary>
    public bool Watched { get; set; }

    /// <summary>When an edit from here last refreshed the session's expiry and course activity (Unix ms).</summary>
    internal long TouchedAt { get; set; }

    /// <summary>The Redis keys of an edit (<see cref="SessionStore"/>), made once per session.</summary>
    internal StackExchange.Redis.RedisKey[]? EditKeys { get; set; }

    /// <summary>This process's connections holding the session.</summary>
    public IReadOnlyList<string> ConnectionIds => Volatile.Read(ref _connectionIds);

    /// <summary>The version and one file's text, read together.</summary>
    public (long Version, string? Text) Read(string file)
    {
        lock (_gate)
        {
            return (Version, _files.GetValueOrDefault(file));
        }
    }

    /// <summary>Replaces the copy with the stored session (after opening it, or when Redis said the copy is behind).</summary>
    public void Reset(SessionState state)
    {
        lock (_gate)
        {
            Version = state.Version;
            _files.Clear();
            foreach (var file in state.Files)
            {
                _files[file.Name] = file.Content;
            }
        }
    }

    /// <summary>Records an edit Redis accepted, unless the copy moved meanwhile (then the next edit resyncs it).</summary>
    public void Applied(long baseVersion, long version, string file, string text)
    {
        lock (_gate)
        {
            if (Version == baseVersion)
            {
                Version = version;
                _files[file] = text;
            }
        }
    }

    private long Version { get; set; }

    internal void Add(string connectionId)
    {
        lock (_gate)
        {
            if (!_connections.Contains(connectionId))
            {
                _connections.Add(connectionId);
                Volatile.Write(ref _connectionIds, [.. _connections]);
            }
        }
    }

    /// <summary>Removes a connection; true when it was the last.</summary>
    internal bool Remove(string connectionId)
    {
        lock (_gate)
        {
            _connections.Remove(connectionId);
            Volatile.Write(ref _connectionIds, [.. _connections]);
            return _connections.Count == 0;
        }
    }
}

/// <summary>The sessions open on this hub process, by id.</summary>
public sealed class LiveSessions
{
    private readonly ConcurrentDictionary<string, LiveSession> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool TryGet(string sessionId, out LiveSession live) => _sessions.TryGetValue(sessionId, out live!);

    /// <summary>A connection of this process holds the session from now on; the copy is brought up to <paramref name="state"/>.</summary>
    public LiveSession Acquire(SessionState state, string connectionId)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(state.SessionId, out var live))
            {
                live.Reset(state);
            }
            else
            {
                _sessions[state.SessionId] = live = new LiveSession(state);
            }

            live.Add(connectionId);
            return live;
        }
    }

    /// <summary>A connection let go of the session; true when it was the last one here (the session is dropped).</summary>
    public bool Release(string sessionId, string connectionId)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var live) || !live.Remove(connectionId))
            {
                return false;
            }

            _sessions.TryRemove(sessionId, out _);
            return true;
        }
    }
}
