using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>A session as stored, read in one go.</summary>
public sealed record SessionState(
    string SessionId,
    string UserId,
    string ExerciseId,
    string CourseId,
    string Language,
    long Version,
    IReadOnlyList<WorkbenchFile> Files,
    IReadOnlyList<ReadOnlyFile> VisibleTests,
    LastRun? LastRun,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivity,
    DateTimeOffset ProgressAt,
    int BestPassed,
    int ErrorCount,
    string? LearnerName = null,
    string? ExerciseTitle = null)
{
    public SessionSnapshot ToSnapshot() =>
        new(SessionId, ExerciseId, CourseId, UserId, Language, Version, Files, VisibleTests, LastRun, LearnerName, ExerciseTitle, LastActivity);
}

/// <summary>The exercise content a new session starts from.</summary>
public sealed record SessionSeed(string ExerciseId, string CourseId, string Language, IReadOnlyList<ReadOnlyFile> StarterFiles, IReadOnlyList<ReadOnlyFile> VisibleTests, string Title = "");

public enum EditStatus { Applied, Stale, OutOfRange, UnknownFile, TooLarge, UnknownSession }

/// <param name="Watched">Someone watches the session (on any hub): the edit should be published to the watchers.</param>
public sealed record EditOutcome(EditStatus Status, long Version, string? Error, EditRecord? Edit = null, string? Text = null, SessionState? Current = null, bool Watched = false);

/// <summary>A run posted from a session, for cancelling and authorizing by run id.</summary>
public sealed record RunTicket(string RunId, string SessionId, string UserId, string Mode);

/// <summary>
/// Workbench sessions in Redis, shared by every hub process and surviving their restarts.
/// <list type="bullet">
/// <item><description><c>workbench:session:{id}</c>: hash of the session: meta (<c>userId</c>, <c>exerciseId</c>,
/// <c>courseId</c>, <c>language</c>, <c>files</c>, <c>tests</c>, <c>createdAt</c>; <c>learnerName</c> and
/// <c>exerciseTitle</c>, written at every open), <c>version</c>,
/// <c>f:{file}</c> text and <c>fv:{file}</c> version per file, <c>lastRun</c>, <c>lastActivity</c>,
/// <c>bestPassed</c>, <c>progressAt</c>, <c>err:{file}|{layer}</c> live error counts, <c>leftAt</c>. Every edit is one script
/// conditioned on <c>version</c>, so two writers never interleave and nothing is half-applied.</description></item>
/// <item><description><c>workbench:session:{id}:watchers</c>: set of the connections watching the session.</description></item>
/// <item><description><c>workbench:session:{id}:hints</c>: list of the instructors' hints sent (newest last, capped).</description></item>
/// <item><description><c>workbench:session:{id}:runs</c>: hash of the session's runs by id (<see cref="LastRun"/>
/// without its result) and <c>…:runs:order</c>, their ids by start (capped): what a replay marks.</description></item>
/// <item><description><c>workbench:session:{id}:edits</c>: stream, the append-only edit history (fields <c>v</c>,
/// <c>file</c>, <c>changes</c>, <c>user</c>); an entry's id is the time Redis recorded it, one clock for all
/// hubs, so replays by time are id ranges.</description></item>
/// <item><description><c>workbench:owner:{user}:{exercise}</c>: the one session of a learner and exercise.</description></item>
/// <item><description><c>workbench:course:{course}:sessions</c>: sorted set of the course's sessions by last activity.</description></item>
/// <item><description><c>workbench:course:{course}:dashboards</c>: set of the connections watching the course's dashboard.</description></item>
/// <item><description><c>workbench:user:{user}:runs</c>: sorted set of the user's unfinished runs by start;
/// <c>workbench:run:{runId}</c>: hash of a run's session, user and mode.</description></item>
/// </list>
/// </summary>
public sealed class SessionStore(IConnectionMultiplexer redis, RedisKeys keys, IOptions<WorkbenchOptions> options, TimeProvider time)
{
    /// <summary>How often (ms) an edited session's expiry and course activity are refreshed.</summary>
    internal const long TouchInterval = 1_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WorkbenchOptions _options = options.Value;

    private IDatabase Db => redis.GetDatabase();

    private RedisKey SessionKey(string id) => keys.Key($"workbench:session:{id}");

    private RedisKey EditsKey(string id) => keys.Key($"workbench:session:{id}:edits");

    private RedisKey WatchersKey(string id) => keys.Key($"workbench:session:{id}:watchers");

    private RedisKey HintsKey(string id) => keys.Key($"workbench:session:{id}:hints");

    private RedisKey RunsKey(string id) => keys.Key($"workbench:session:{id}:runs");

    private RedisKey RunOrderKey(string id) => keys.Key($"workbench:session:{id}:runs:order");

    private RedisKey DashboardsKey(string courseId) => keys.Key($"workbench:course:{courseId}:dashboards");

    private RedisKey OwnerKey(string userId, string exerciseId) => keys.Key($"workbench:owner:{userId}:{exerciseId}");

    private RedisKey CourseKey(string courseId) => keys.Key($"workbench:course:{courseId}:sessions");

    private RedisKey UserRunsKey(string userId) => keys.Key($"workbench:user:{userId}:runs");

    private RedisKey RunKey(string runId) => keys.Key($"workbench:run:{runId}");

    /// <summary>Channel on which hubs tell each other that a run was cancelled.</summary>
    public RedisChannel CancelChannel => RedisChannel.Literal(keys.Key("workbench:cancel").ToString());

    /// <summary>The session, or null when there is none (or it expired).</summary>
    public async Task<SessionState?> GetAsync(string sessionId)
    {
        if (!IsId(sessionId))
        {
            return null;
        }

        var entries = await Db.HashGetAllAsync(SessionKey(sessionId));
        return entries.Length == 0 ? null : Parse(sessionId, entries);
    }

    /// <summary>
    /// The learner's session of the exercise. When Redis has none, it is made again from the document store's copy
    /// (<paramref name="restore"/>: same id, version and text, for the files the exercise still has) or, when there is
    /// no copy either, from <paramref name="seed"/>.
    /// </summary>
    public async Task<SessionState> GetOrCreateAsync(string userId, SessionSeed seed, string? learnerName, Func<Task<SessionBackupDto?>>? restore = null)
    {
        var ownerKey = OwnerKey(userId, seed.ExerciseId);
        SessionBackupDto? backup = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = (string?)await Db.StringGetAsync(ownerKey);
            if (existing is not null && await GetAsync(existing) is { } state)
            {
                await TouchAsync(state, learnerName, seed.Title);
                return state with { LearnerName = learnerName ?? state.LearnerName, ExerciseTitle = seed.Title };
            }

            if (attempt == 0 && restore is not null)
            {
                backup = await restore();
                backup = backup?.UserId == userId && backup.ExerciseId == seed.ExerciseId ? backup : null;
            }

            var id = backup?.SessionId ?? Guid.NewGuid().ToString("N");
            var saved = backup?.Files.ToDictionary(f => f.Name, f => f.Content, StringComparer.Ordinal) ?? [];
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var fields = new List<HashEntry>
            {
                new("userId", userId),
                new("exerciseId", seed.ExerciseId),
                new("courseId", seed.CourseId),
                new("language", seed.Language),
                new("learnerName", learnerName ?? ""),
                new("exerciseTitle", seed.Title),
                new("files", JsonSerializer.Serialize(seed.StarterFiles.Select(f => f.Name), Json)),
                new("tests", JsonSerializer.Serialize(seed.VisibleTests, Json)),
                new("createdAt", now),
                new("lastActivity", now),
                new("progressAt", now),
                new("bestPassed", 0),
                new("version", RestoredVersion(backup)),
            };
            foreach (var file in seed.StarterFiles)
            {
                fields.Add(new("f:" + file.Name, saved.GetValueOrDefault(file.Name, file.Content)));
                fields.Add(new("fv:" + file.Name, RestoredVersion(backup)));
            }

            // Two hubs opening the same exercise for the same learner at once: the owner key decides, the loser reads.
            var tran = Db.CreateTransaction();
            tran.AddCondition(existing is null ? Condition.KeyNotExists(ownerKey) : Condition.StringEqual(ownerKey, existing));
            _ = tran.StringSetAsync(ownerKey, id, _options.SessionRetention);
            _ = tran.HashSetAsync(SessionKey(id), [.. fields]);
            _ = tran.KeyExpireAsync(SessionKey(id), _options.SessionRetention);
            _ = tran.SortedSetAddAsync(CourseKey(seed.CourseId), id, now);
            _ = tran.KeyExpireAsync(CourseKey(seed.CourseId), _options.SessionRetention);
            if (await tran.ExecuteAsync())
            {
                return (await GetAsync(id))!;
            }
        }

        throw new InvalidOperationException("The session could not be created: too many concurrent attempts.");
    }

    // A restored session's copy may be up to a second behind versions already acknowledged: it continues well past
    // them, so no version number is given out twice for different text.
    private long RestoredVersion(SessionBackupDto? backup) => backup is null ? 0 : backup.Version + _options.RestoreVersionGap;

    /// <summary>
    /// One edit in one round trip: when the session is still at the version the edit is based on, sets the file's
    /// text and the versions, records the edit in the history, touches the course's activity, and tells whether
    /// anyone watches the session. Returns <c>{version, entry id, watched}</c>, or <c>{-1}</c> (no session),
    /// <c>{-2}</c> (another version), <c>{-3}</c> (no such file).
    /// </summary>
    private const string EditScript = """
        local v = redis.call('HGET', KEYS[1], 'version')
        if not v then return {-1} end
        if v ~= ARGV[1] then return {-2} end
        if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 then return {-3} end
        local n = tonumber(v) + 1
        redis.call('HSET', KEYS[1], 'version', n, ARGV[2], ARGV[3], ARGV[4], n, 'lastActivity', ARGV[5])
        local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', 'v', n, 'file', ARGV[8], 'changes', ARGV[9], 'user', ARGV[10])
        if ARGV[12] == '1' then
          redis.call('PEXPIRE', KEYS[1], ARGV[6])
          redis.call('PEXPIRE', KEYS[2], ARGV[6])
          redis.call('ZADD', KEYS[3], ARGV[5], ARGV[11])
        end
        return {n, id, redis.call('EXISTS', KEYS[4])}
        """;

    /// <summary>
    /// Applies an edit when <paramref name="baseVersion"/> is the session's version: to this process's copy, then
    /// to Redis in one script conditioned on the version (see <see cref="EditScript"/>), which records it in the
    /// history too. Refusals change nothing; a copy found behind is reloaded from Redis, which decides. The
    /// session's expiry and its place in the course's activity set are refreshed at most once a second per session
    /// (<see cref="TouchInterval"/>): keystrokes come faster, and instructors' lists need no finer time.
    /// </summary>
    public async Task<EditOutcome> ApplyEditAsync(LiveSession live, string file, long baseVersion, IReadOnlyList<ContentChange> changes, string userId)
    {
        var (version, current) = live.Read(file);
        if (version != baseVersion)
        {
            // This copy may be behind (an edit through another hub or tab): the stored session decides.
            if (await GetAsync(live.SessionId) is not { } stored)
            {
                return new(EditStatus.UnknownSession, 0, $"No session '{live.SessionId}'.");
            }

            live.Reset(stored);
            (version, current) = live.Read(file);
            if (version != baseVersion)
            {
                return new(EditStatus.Stale, version, $"The edit is based on version {baseVersion}, but the session is at version {version}; apply it to the snapshot sent with this answer.", Current: stored);
            }
        }

        if (current is null)
        {
            return new(EditStatus.UnknownFile, version, $"The session has no file '{file}'.");
        }

        var text = TextEdits.Apply(current, changes, out var error);
        if (text is null)
        {
            return new(EditStatus.OutOfRange, version, error, Current: await GetAsync(live.SessionId));
        }

        if (text.Length > _options.MaxFileChars)
        {
            return new(EditStatus.TooLarge, version, $"'{file}' would have {text.Length} characters; the limit is {_options.MaxFileChars}.");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var touch = now - live.TouchedAt >= TouchInterval;
        // The keys never change for a session: one array, shared by all its edits (SE.Redis only reads it).
        live.EditKeys ??= [SessionKey(live.SessionId), EditsKey(live.SessionId), CourseKey(live.CourseId), WatchersKey(live.SessionId)];
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            EditScript,
            live.EditKeys,
            [
                baseVersion, "f:" + file, text, "fv:" + file, now, (long)_options.SessionRetention.TotalMilliseconds,
                _options.MaxHistoryEntries, file, JsonSerializer.SerializeToUtf8Bytes(changes, StoreJson.Default.IReadOnlyListContentChange),
                userId, live.SessionId, touch ? 1 : 0,
            ]))!;
        var next = (long)result[0];
        switch (next)
        {
            case -1:
                return new(EditStatus.UnknownSession, 0, $"No session '{live.SessionId}'.");
            case -3:
                return new(EditStatus.UnknownFile, version, $"The session has no file '{file}'.");
            case -2:
                var stored = await GetAsync(live.SessionId);
                if (stored is not null)
                {
                    live.Reset(stored);
                }

                return new(EditStatus.Stale, stored?.Version ?? version, $"The session changed to version {stored?.Version} while this edit (based on {baseVersion}) was applied; apply it to the snapshot sent with this answer.", Current: stored);
        }

        live.Applied(baseVersion, next, file, text);
        live.Watched = (long)result[2] == 1;
        if (touch)
        {
            live.TouchedAt = now;
        }

        // The record goes only to watchers; nobody needs it otherwise.
        var edit = live.Watched ? new EditRecord(next, file, changes, EntryTime((RedisValue)result[1])) : null;
        return new(EditStatus.Applied, next, null, edit, text, Watched: live.Watched);
    }

    /// <summary>Records that a connection watches the session, so edits from any hub are published to the watchers.</summary>
    public async Task AddWatcherAsync(string sessionId, string connectionId)
    {
        await Db.SetAddAsync(WatchersKey(sessionId), connectionId);
        await Db.KeyExpireAsync(WatchersKey(sessionId), _options.SessionRetention);
    }

    /// <summary>
    /// The connection stopped watching (or went away). A hub that dies leaves its watchers behind: edits of that
    /// session are then published to nobody until it expires, which costs a publish and nothing else.
    /// </summary>
    public Task RemoveWatcherAsync(string sessionId, string connectionId) => Db.SetRemoveAsync(WatchersKey(sessionId), connectionId);

    /// <summary>
    /// The edits after <paramref name="version"/>, oldest first, when the history holds every one of them and they
    /// are at most <paramref name="max"/>; otherwise null.
    /// </summary>
    public async Task<IReadOnlyList<EditRecord>?> EditsAfterAsync(string sessionId, long version, long currentVersion, int max)
    {
        if (version == currentVersion)
        {
            return [];
        }

        if (version > currentVersion || version < 0 || currentVersion - version > max)
        {
            return null;
        }

        // The newest entries are the wanted ones: read backwards until the edit right after the client's version.
        var wanted = (int)(currentVersion - version);
        var entries = await Db.StreamRangeAsync(EditsKey(sessionId), "-", "+", count: wanted, messageOrder: Order.Descending);
        var edits = entries.Select(ToEdit).Reverse().ToList();
        return edits.Count == wanted && edits[0].Version == version + 1 && edits[^1].Version == currentVersion ? edits : null;
    }

    /// <summary>The recorded edits between two times (inclusive), oldest first, read page by page.</summary>
    public async IAsyncEnumerable<EditRecord> ReplayAsync(string sessionId, DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RedisValue start = from is { } f ? Math.Max(0, f.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture) : "-";
        RedisValue end = to is { } t ? Math.Max(0, t.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture) : "+";
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await Db.StreamRangeAsync(EditsKey(sessionId), start, end, count: _options.ReplayPageSize);
            foreach (var entry in page)
            {
                yield return ToEdit(entry);
            }

            if (page.Length < _options.ReplayPageSize)
            {
                yield break;
            }

            start = "(" + page[^1].Id;
        }
    }

    /// <summary>Records the session's last run; a run that passed more tests than any before counts as progress.</summary>
    public async Task SetLastRunAsync(string sessionId, LastRun run)
    {
        var key = SessionKey(sessionId);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await RecordRunAsync(sessionId, run);
        var fields = new List<HashEntry> { new("lastRun", JsonSerializer.Serialize(run, Json)), new("lastActivity", now) };
        if (run.Status == RunStatuses.Finished)
        {
            var best = (int?)await Db.HashGetAsync(key, "bestPassed") ?? 0;
            if (run.Passed > best)
            {
                fields.Add(new("bestPassed", run.Passed));
                fields.Add(new("progressAt", now));
            }
        }

        // Only while the session exists: a late relay must not resurrect an expired session as a fragment.
        var tran = Db.CreateTransaction();
        tran.AddCondition(Condition.KeyExists(key));
        _ = tran.HashSetAsync(key, [.. fields]);
        await tran.ExecuteAsync();
    }

    /// <summary>Replaces the last run only when it is still the given run in the given status (no lost updates).</summary>
    public async Task<bool> UpdateLastRunAsync(string sessionId, string runId, Func<LastRun, LastRun?> update)
    {
        var key = SessionKey(sessionId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var raw = (string?)await Db.HashGetAsync(key, "lastRun");
            if (raw is null || JsonSerializer.Deserialize<LastRun>(raw, Json) is not { } last || last.RunId != runId || update(last) is not { } changed)
            {
                return false;
            }

            var tran = Db.CreateTransaction();
            tran.AddCondition(Condition.HashEqual(key, "lastRun", raw));
            _ = tran.HashSetAsync(key, "lastRun", JsonSerializer.Serialize(changed, Json));
            if (await tran.ExecuteAsync())
            {
                if (changed.Status == RunStatuses.Finished)
                {
                    await SetLastRunAsync(sessionId, changed); // progress bookkeeping, and the run history
                }
                else
                {
                    await RecordRunAsync(sessionId, changed);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Remembers the error count of the latest live diagnostics of one file and layer.</summary>
    public Task SetErrorCountAsync(string sessionId, string file, string layer, int errors) =>
        // Only while the session exists: a late result must not resurrect an expired session as a fragment.
        Db.ScriptEvaluateAsync(
            "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 0",
            [SessionKey(sessionId)],
            [$"err:{file}|{layer}", errors]);

    /// <summary>The course's sessions active since <paramref name="since"/>, most recent first, as an overview lists them.</summary>
    public async Task<IReadOnlyList<LiveSessionSummary>> ListActiveAsync(string courseId, DateTimeOffset since, int max)
    {
        var ids = await Db.SortedSetRangeByScoreAsync(CourseKey(courseId), since.ToUnixTimeMilliseconds(), double.PositiveInfinity, order: Order.Descending, take: max);
        return await SummariesAsync([.. ids.Select(id => (string)id!)]);
    }

    /// <summary>
    /// What an overview shows of each session, read in one script that leaves the files and the last run's result
    /// in Redis (an overview of 500 sessions, or a push of every typing learner's, would otherwise move their text).
    /// Missing sessions are left out.
    /// </summary>
    private const string SummaryScript = """
        local out = {}
        for i, key in ipairs(KEYS) do
          local v = redis.call('HMGET', key, 'userId', 'exerciseId', 'learnerName', 'exerciseTitle', 'lastActivity', 'progressAt', 'version', 'lastRun', 'leftAt')
          if v[1] then
            local errors = 0
            for _, field in ipairs(redis.call('HKEYS', key)) do
              if string.sub(field, 1, 4) == 'err:' then errors = errors + (tonumber(redis.call('HGET', key, field)) or 0) end
            end
            local verdict = ''
            if v[8] then
              local ok, run = pcall(cjson.decode, v[8])
              if ok and type(run.verdict) == 'string' then verdict = run.verdict end
            end
            out[#out + 1] = {ARGV[i], v[1], v[2] or '', v[3] or '', v[4] or '', v[5] or '0', v[6] or '0', v[7] or '0', verdict, v[9] or '0', errors}
          end
        end
        return out
        """;

    public async Task<IReadOnlyList<LiveSessionSummary>> SummariesAsync(IReadOnlyList<string> sessionIds)
    {
        var ids = sessionIds.Where(IsId).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        var rows = (RedisResult[])(await Db.ScriptEvaluateAsync(SummaryScript, [.. ids.Select(SessionKey)], [.. ids.Select(id => (RedisValue)id)]))!;
        var now = time.GetUtcNow();
        return [.. rows.Select(row =>
        {
            var v = (RedisValue[])row!;
            DateTimeOffset At(int i) => DateTimeOffset.FromUnixTimeMilliseconds((long)v[i]);
            string? Text(int i) => (string?)v[i] is { Length: > 0 } t ? t : null;
            var verdict = Text(8);
            return new LiveSessionSummary(
                (string)v[0]!, (string)v[1]!, (string)v[2]!, At(5), (int)v[10], verdict,
                verdict == "passed" ? 0 : Math.Max(0, (long)(now - At(6)).TotalMilliseconds), (long)v[7],
                Text(3), Text(4), (long)v[9] > 0 ? At(9) : null);
        })];
    }

    /// <summary>The session's course, or null when there is no session.</summary>
    public async Task<string?> CourseOfAsync(string sessionId) =>
        IsId(sessionId) ? (string?)await Db.HashGetAsync(SessionKey(sessionId), "courseId") : null;

    /// <summary>A connection of the learner closed the session (<paramref name="left"/>), or opened or resumed it.</summary>
    public async Task SetLeftAsync(string sessionId, bool left)
    {
        if (!left)
        {
            await Db.HashDeleteAsync(SessionKey(sessionId), "leftAt");
            return;
        }

        // Only while the session exists: a late result must not resurrect an expired session as a fragment.
        await Db.ScriptEvaluateAsync(
            "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'leftAt', ARGV[1]) end return 0",
            [SessionKey(sessionId)],
            [time.GetUtcNow().ToUnixTimeMilliseconds()]);
    }

    /// <summary>Keeps an instructor's hint with the session (the newest <see cref="WorkbenchOptions.MaxHintsKept"/>).</summary>
    public async Task AddHintAsync(HintMessage hint)
    {
        var key = HintsKey(hint.SessionId);
        var tran = Db.CreateTransaction();
        _ = tran.ListRightPushAsync(key, JsonSerializer.Serialize(hint, Json));
        _ = tran.ListTrimAsync(key, -_options.MaxHintsKept, -1);
        _ = tran.KeyExpireAsync(key, _options.SessionRetention);
        await tran.ExecuteAsync();
    }

    /// <summary>The instructors' hints sent to the session's learner, oldest first.</summary>
    public async Task<IReadOnlyList<HintMessage>> HintsAsync(string sessionId) =>
        [.. (await Db.ListRangeAsync(HintsKey(sessionId))).Select(v => JsonSerializer.Deserialize<HintMessage>((string)v!, Json)!)];

    /// <summary>
    /// Records a run in the session's run history (replacing its earlier record), without its result; the oldest
    /// beyond <see cref="WorkbenchOptions.MaxRunsKept"/> go.
    /// </summary>
    private const string RecordRunScript = """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
        if over > 0 then
          local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
          redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
          redis.call('HDEL', KEYS[1], unpack(old))
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        return 0
        """;

    private Task RecordRunAsync(string sessionId, LastRun run) =>
        Db.ScriptEvaluateAsync(
            RecordRunScript,
            [RunsKey(sessionId), RunOrderKey(sessionId)],
            [run.RunId, JsonSerializer.Serialize(run with { ResultJson = null }, Json), run.StartedAt.ToUnixTimeMilliseconds(), _options.MaxRunsKept, (long)_options.SessionRetention.TotalMilliseconds]);

    /// <summary>The session's runs, oldest first, without their results.</summary>
    public async Task<IReadOnlyList<LastRun>> RunsAsync(string sessionId)
    {
        var ids = await Db.SortedSetRangeByRankAsync(RunOrderKey(sessionId));
        if (ids.Length == 0)
        {
            return [];
        }

        var runs = await Db.HashGetAsync(RunsKey(sessionId), ids);
        return [.. runs.Where(r => !r.IsNull).Select(r => JsonSerializer.Deserialize<LastRun>((string)r!, Json)!)];
    }

    /// <summary>Records that a connection watches the course's dashboard, so changes of its sessions are pushed.</summary>
    public async Task AddDashboardAsync(string courseId, string connectionId)
    {
        await Db.SetAddAsync(DashboardsKey(courseId), connectionId);
        await Db.KeyExpireAsync(DashboardsKey(courseId), _options.SessionRetention);
    }

    /// <summary>The connection stopped watching (or went away); a dead hub's entries cost pushes to nobody until they expire.</summary>
    public Task RemoveDashboardAsync(string courseId, string connectionId) => Db.SetRemoveAsync(DashboardsKey(courseId), connectionId);

    /// <summary>Whether anyone, on any hub, watches the course's dashboard.</summary>
    public Task<bool> IsDashboardWatchedAsync(string courseId) => Db.KeyExistsAsync(DashboardsKey(courseId));

    /// <summary>Counts a run against the user's concurrent runs; false when the user is at the limit.</summary>
    public async Task<bool> TryStartRunAsync(string userId, string runId, int max)
    {
        var key = UserRunsKey(userId);
        var now = time.GetUtcNow();
        // Runs older than the relay's timeout are over whatever happened to the hub that relayed them.
        await Db.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, (now - _options.RunRelayTimeout).ToUnixTimeMilliseconds());
        await Db.SortedSetAddAsync(key, runId, now.ToUnixTimeMilliseconds());
        await Db.KeyExpireAsync(key, _options.RunRelayTimeout);
        // Add first, then count: two racing calls may both be refused, never both admitted beyond the limit.
        if (await Db.SortedSetLengthAsync(key) > max)
        {
            await Db.SortedSetRemoveAsync(key, runId);
            return false;
        }

        return true;
    }

    public Task EndRunAsync(string userId, string runId) => Db.SortedSetRemoveAsync(UserRunsKey(userId), runId);

    /// <summary>Moves a provisional run id (used to hold the slot while posting) to the real one.</summary>
    public async Task RenameRunAsync(string userId, string provisional, string runId)
    {
        await Db.SortedSetAddAsync(UserRunsKey(userId), runId, time.GetUtcNow().ToUnixTimeMilliseconds());
        await Db.SortedSetRemoveAsync(UserRunsKey(userId), provisional);
    }

    public async Task SaveRunAsync(RunTicket ticket)
    {
        await Db.HashSetAsync(RunKey(ticket.RunId), [new("session", ticket.SessionId), new("user", ticket.UserId), new("mode", ticket.Mode)]);
        await Db.KeyExpireAsync(RunKey(ticket.RunId), _options.SessionRetention);
    }

    /// <summary>
    /// Takes (or, with the same <paramref name="holder"/>, renews) the lease on relaying a run: one hub process
    /// relays each run, and when that process dies its lease runs out and a resuming learner's hub takes over.
    /// </summary>
    public async Task<bool> TryLeaseRelayAsync(string runId, string holder, TimeSpan duration)
    {
        var key = keys.Key($"workbench:run:{runId}:relay");
        return (int)await Db.ScriptEvaluateAsync(
            "local v = redis.call('GET', KEYS[1]) if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0",
            [key],
            [holder, (long)duration.TotalMilliseconds]) == 1;
    }

    public Task ReleaseRelayAsync(string runId, string holder) =>
        Db.ScriptEvaluateAsync(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 0",
            [keys.Key($"workbench:run:{runId}:relay")],
            [holder]);

    public async Task<RunTicket?> GetRunAsync(string runId)
    {
        if (!IsId(runId))
        {
            return null;
        }

        var values = await Db.HashGetAsync(RunKey(runId), ["session", "user", "mode"]);
        return values[0].IsNull ? null : new RunTicket(runId, (string)values[0]!, (string)values[1]!, (string)values[2]!);
    }

    private async Task TouchAsync(SessionState state, string? learnerName, string exerciseTitle)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // The names are written at every open: a learner who changed their display name shows the new one.
        await Db.HashSetAsync(SessionKey(state.SessionId), [new("lastActivity", now), new("learnerName", learnerName ?? state.LearnerName ?? ""), new("exerciseTitle", exerciseTitle)]);
        await Db.KeyExpireAsync(SessionKey(state.SessionId), _options.SessionRetention);
        await Db.SortedSetAddAsync(CourseKey(state.CourseId), state.SessionId, now);
    }

    // Ids come from clients: keep them to what this store generates, so no key can be smuggled in.
    private static bool IsId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static EditRecord ToEdit(StreamEntry entry) => new(
        (long)entry["v"],
        (string)entry["file"]!,
        JsonSerializer.Deserialize<List<ContentChange>>((string)entry["changes"]!, Json) ?? [],
        EntryTime(entry.Id));

    private static DateTimeOffset EntryTime(RedisValue id)
    {
        var s = (string)id!;
        var dash = s.IndexOf('-', StringComparison.Ordinal);
        return DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(dash < 0 ? s : s[..dash], CultureInfo.InvariantCulture));
    }

    private static SessionState Parse(string id, HashEntry[] entries)
    {
        var map = entries.ToDictionary(e => (string)e.Name!, e => e.Value, StringComparer.Ordinal);
        string S(string name) => map.TryGetValue(name, out var v) ? (string?)v ?? "" : "";
        long L(string name) => map.TryGetValue(name, out var v) && v.TryParse(out long l) ? l : 0;
        var names = JsonSerializer.Deserialize<List<string>>(S("files") is { Length: > 0 } f ? f : "[]", Json) ?? [];
        var files = names.Select(n => new WorkbenchFile(n, S("f:" + n), L("fv:" + n))).ToList();
        var tests = JsonSerializer.Deserialize<List<ReadOnlyFile>>(S("tests") is { Length: > 0 } t ? t : "[]", Json) ?? [];
        var lastRun = S("lastRun") is { Length: > 0 } r ? JsonSerializer.Deserialize<LastRun>(r, Json) : null;
        var errors = map.Where(kv => kv.Key.StartsWith("err:", StringComparison.Ordinal)).Sum(kv => (int)kv.Value);
        return new SessionState(
            id, S("userId"), S("exerciseId"), S("courseId"), S("language"), L("version"), files, tests, lastRun,
            DateTimeOffset.FromUnixTimeMilliseconds(L("createdAt")),
            DateTimeOffset.FromUnixTimeMilliseconds(L("lastActivity")),
            DateTimeOffset.FromUnixTimeMilliseconds(L("progressAt")),
            (int)L("bestPassed"),
            errors,
            S("learnerName") is { Length: > 0 } learner ? learner : null,
            S("exerciseTitle") is { Length: > 0 } title ? title : null);
    }
}

/// <summary>Source-generated JSON for the per-keystroke history entry (no reflection, no per-call serializer state).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<ContentChange>))]
internal sealed partial class StoreJson : JsonSerializerContext;
