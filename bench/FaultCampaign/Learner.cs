using System.Text;
using System.Text.RegularExpressions;
using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace FaultCampaign;

/// <summary>
/// One learner typing into <c>python-greet</c> through a real SignalR client, behaving as the browser client does
/// (src/Hub/ClientApp/src/views/workbench.js): one edit in flight, everything typed meanwhile sent as the next edit
/// (one whole difference from the text the hub acknowledged), Resume(session, version) after a reconnect, and text the
/// hub's snapshot lacks kept and sent again. Two differences, both so that nothing is lost on the client's side and
/// what is measured is the platform: a refused edit whose snapshot lacks acknowledged text keeps the local text too
/// (the browser takes the snapshot there), and an edit refused because the hub no longer knows the session resumes it
/// (the browser retries the edit until the connection drops).
/// Every line typed is "\n#{seq}", so a text says which keystrokes it holds.
/// </summary>
public sealed partial class Learner(int index, string email, string userId, string token, Config config, Ledger ledger) : IAsyncDisposable
{
    public const string Exercise = "python-greet";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    private readonly List<double> _acceptedAt = [0]; // acknowledged time of each seq (index = seq), 0 = not yet
    private readonly List<(double At, bool Ok)> _attempts = [];
    private HubConnection? _hub;
    private volatile bool _needResume;
    private volatile bool _stopping;
    private string _acked = "";
    private string _local = "";
    private long _version;
    private int _typed;
    private int _maxAckedSeq;
    private int _editsAccepted;
    private readonly List<(int FirstNewSeq, double At)> _edits = []; // accepted edits that added keystrokes
    private readonly Dictionary<long, int> _ackedVersions = []; // session version acknowledged -> keystrokes its text held

    public int Index { get; } = index;
    public string Email { get; } = email;
    public string UserId { get; } = userId;
    public string Token { get; } = token;
    public string SessionId { get; private set; } = "";
    public string File { get; private set; } = "greeting.py";

    public int Typed => _typed;
    public int MaxAckedSeq => _maxAckedSeq;
    public int EditsAccepted => _editsAccepted;

    /// <summary>Session versions acknowledged a second time for a different text (the session went back to an older
    /// version, e.g. restored from the document store, and counted up again).</summary>
    public int VersionsReused { get; private set; }
    public bool Synced => _local == _acked && !_needResume;

    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex Ids();

    [GeneratedRegex(@"\n#(\d+)")]
    private static partial Regex SeqLine();

    public async Task ConnectAsync()
    {
        _hub = Build(Token);
        _hub.Reconnecting += _ =>
        {
            ledger.Count("connection dropped");
            return Task.CompletedTask;
        };
        _hub.Reconnected += _ =>
        {
            _needResume = true;
            ledger.Count("reconnected");
            return Task.CompletedTask;
        };
        _hub.Closed += error =>
        {
            if (!_stopping)
            {
                _needResume = true;
                ledger.Count("connection closed");
                _ = RestartAsync();
            }

            return Task.CompletedTask;
        };
        await _hub.StartAsync();
        var snapshot = await _hub.InvokeAsync<SessionSnapshot>("OpenExercise", Exercise);
        SessionId = snapshot.SessionId;
        File = snapshot.Files[0].Name;
        _acked = _local = snapshot.Files[0].Content;
        _version = snapshot.Version;
    }

    public HubConnection Build(string accessToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(config.HubUrl + "/hubs/workbench", o => o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken))
            .WithAutomaticReconnect(new ForeverRetry())
            .Build();
        // Pushes the campaign does not look at: handlers so that the client does not log them as unknown.
        connection.On<DiagnosticsMessage>("Diagnostics", _ => { });
        connection.On<RunEventMessage>("RunEvent", _ => { });
        connection.On<SessionSnapshot>("SessionSnapshot", _ => { });
        connection.On<HintMessage>("Hint", _ => { });
        connection.On<object>("Recommendations", _ => { });
        return connection;
    }

    /// After automatic reconnection gave up (the browser client's retry(): every 3 s).
    private async Task RestartAsync()
    {
        while (!_stopping && _hub!.State == HubConnectionState.Disconnected)
        {
            try
            {
                await _hub.StartAsync();
                return;
            }
            catch (Exception)
            {
                await Task.Delay(3000);
            }
        }
    }

    /// <summary>Types a line every <see cref="Config.TypeMs"/> until <paramref name="stop"/>, sending as the browser does.</summary>
    public async Task TypeAsync(CancellationToken stop)
    {
        var started = Campaign.Now;
        while (!stop.IsCancellationRequested)
        {
            var due = (int)((Campaign.Now - started) * 1000 / config.TypeMs);
            while (_typed < due)
            {
                _typed++;
                _local += "\n#" + _typed;
                _acceptedAt.Add(0);
            }

            if (_local != _acked || _needResume)
            {
                await SyncAsync();
            }

            var next = started + ((_typed + 1) * config.TypeMs / 1000.0);
            var wait = next - Campaign.Now;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Sends what is typed and not acknowledged until synced or <paramref name="limit"/> passes.</summary>
    public async Task<bool> FlushAsync(TimeSpan limit)
    {
        var deadline = Campaign.Now + limit.TotalSeconds;
        while (!Synced && Campaign.Now < deadline)
        {
            if (_hub!.State != HubConnectionState.Connected)
            {
                await Task.Delay(200);
                continue;
            }

            await SyncAsync();
            if (!Synced)
            {
                await Task.Delay(300);
            }
        }

        return Synced;
    }

    /// <summary>One step: resume if needed, then one edit with everything not acknowledged.</summary>
    private async Task SyncAsync()
    {
        if (_hub!.State != HubConnectionState.Connected)
        {
            Attempt(false); // typing, but nothing can be sent
            return;
        }

        if (_needResume && !await ResumeAsync())
        {
            Attempt(false);
            return;
        }

        if (_local == _acked)
        {
            return;
        }

        var sent = _local;
        var sentSeq = _typed;
        var change = Diff(_acked, sent);
        try
        {
            using var timeout = new CancellationTokenSource(CallTimeout);
            var result = await _hub.InvokeAsync<EditResult>("ApplyEdits", SessionId, File, _version, new[] { change }, timeout.Token);
            if (result.Accepted)
            {
                Accepted(sent, sentSeq, result.Version);
            }
            else
            {
                ledger.Count("edit refused (stale)");
                Attempt(false);
                if (result.Snapshot is not null)
                {
                    Rebase(result.Snapshot, "edit refused with a snapshot");
                }
                else
                {
                    _needResume = true;
                }
            }
        }
        catch (HubException e)
        {
            Attempt(false);
            var message = e.Message;
            if (message.Contains("not answering", StringComparison.Ordinal))
            {
                ledger.Count("edit refused: store not answering");
            }
            else if (message.Contains("No session", StringComparison.Ordinal) || message.Contains("Open or resume", StringComparison.Ordinal))
            {
                ledger.Count("edit refused (\"" + Ids().Replace(message, "<id>").Replace("An error occurred while invoking 'ApplyEdits' on the server. HubException: ", "", StringComparison.Ordinal) + "\"), resuming");
                _needResume = true;
            }
            else
            {
                ledger.Count("edit refused: " + Rest.Shorten(message));
            }

            await Task.Delay(300);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The connection dropped or the call timed out: the edit may or may not be applied; Resume tells.
            Attempt(false);
            ledger.Count("edit failed: " + e.GetType().Name);
            _needResume = true;
        }
    }

    private void Accepted(string sent, int sentSeq, long version)
    {
        var now = Campaign.Now;
        var firstNew = _maxAckedSeq + 1;
        if (sentSeq >= firstNew)
        {
            _edits.Add((firstNew, now));
            for (var s = firstNew; s <= sentSeq; s++)
            {
                _acceptedAt[s] = now;
            }

            _maxAckedSeq = sentSeq;
        }

        if (_ackedVersions.TryGetValue(version, out var earlier) && earlier != sentSeq)
        {
            VersionsReused++;
        }

        _ackedVersions[version] = sentSeq;
        _acked = sent;
        _version = version;
        _editsAccepted++;
        Interlocked.Increment(ref ledger.EditsAccepted);
        Attempt(true);
    }

    private void Attempt(bool ok)
    {
        lock (_attempts)
        {
            _attempts.Add((Campaign.Now, ok));
        }
    }

    /// <summary>
    /// Seconds from <paramref name="from"/> until this learner's edits were accepted again after the first that
    /// failed; 0 when none failed; null when none was accepted again (yet).
    /// </summary>
    public double? TypingAgainAfter(double from)
    {
        (double At, bool Ok)[] attempts;
        lock (_attempts)
        {
            attempts = [.. _attempts];
        }

        var firstFailure = Array.FindIndex(attempts, a => a.At >= from && !a.Ok);
        if (firstFailure < 0)
        {
            return attempts.Any(a => a.At >= from && a.Ok) ? 0 : null;
        }

        var again = Array.FindIndex(attempts, firstFailure, a => a.Ok);
        return again < 0 ? null : attempts[again].At - from;
    }

    private async Task<bool> ResumeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(CallTimeout);
            var result = await _hub!.InvokeAsync<ResumeResult>("Resume", SessionId, _version, timeout.Token);
            ledger.Count("resumed");
            if (result.Snapshot is not null)
            {
                Rebase(result.Snapshot, "resume answered with a snapshot");
            }
            else
            {
                var text = _acked;
                foreach (var edit in result.Edits.Where(e => e.File == File))
                {
                    text = Apply(text, edit.Changes);
                }

                _acked = text;
                _version = result.Version;
            }

            _needResume = false;
            return true;
        }
        catch (HubException e) when (e.Message.Contains("No session", StringComparison.Ordinal))
        {
            // The hub has no copy of it anywhere: open the exercise again, as a reloaded page would.
            ledger.Count("resume: no session, opening again");
            try
            {
                using var timeout = new CancellationTokenSource(CallTimeout);
                var snapshot = await _hub!.InvokeAsync<SessionSnapshot>("OpenExercise", Exercise, timeout.Token);
                SessionId = snapshot.SessionId;
                Rebase(snapshot, "reopened after resume found no session");
                _needResume = false;
                return true;
            }
            catch (Exception e2) when (e2 is not OutOfMemoryException)
            {
                ledger.Count("reopen failed: " + Rest.Shorten(e2.Message));
                await Task.Delay(500);
                return false;
            }
        }
        catch (HubException e)
        {
            ledger.Count("resume refused: " + Rest.Shorten(e.Message));
            await Task.Delay(500);
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ledger.Count("resume failed: " + e.GetType().Name);
            await Task.Delay(500);
            return false;
        }
    }

    /// <summary>
    /// Takes the hub's snapshot as what it has, counts acknowledged keystrokes it lacks (the platform lost them), and
    /// keeps the local text, so that the next edit sends them again.
    /// </summary>
    private void Rebase(SessionSnapshot snapshot, string how)
    {
        var text = snapshot.Files.First(f => f.Name == File).Content;
        if (Lost(text, out var edits, out var seconds) > 0)
        {
            ledger.EditLosses.Enqueue(new EditLoss(Campaign.Phase, Index, edits, seconds, how));
            if (ledger.EditLosses.Count(l => l.Phase == Campaign.Phase) <= 3)
            {
                Campaign.Log($"learner {Index}: the hub's {how} lacks {edits} acknowledged edits ({seconds:0.00} s of typing); sending them again (more in the summary)");
            }
        }

        _acked = text;
        _version = snapshot.Version;
    }

    /// <summary>
    /// Acknowledged keystrokes missing from <paramref name="text"/>: how many, in how many accepted edits, and how much
    /// typing (from the last accepted edit kept before the first one lost, to the last one lost).
    /// </summary>
    public int Lost(string text, out int edits, out double seconds)
    {
        var present = new HashSet<int>(SeqLine().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        var missing = Enumerable.Range(1, _maxAckedSeq).Where(s => !present.Contains(s)).ToList();
        edits = 0;
        seconds = 0;
        if (missing.Count == 0)
        {
            return 0;
        }

        var lostEdits = _edits.Where((e, i) => missing.Any(s => s >= e.FirstNewSeq && (i + 1 == _edits.Count || s < _edits[i + 1].FirstNewSeq))).ToList();
        edits = lostEdits.Count;
        var firstLost = missing.Min();
        var keptBefore = firstLost > 1 ? _acceptedAt[firstLost - 1] : 0;
        seconds = _acceptedAt[missing.Max()] - keptBefore;
        return missing.Count;
    }

    /// <summary>Keystrokes in <paramref name="text"/> that are there more than once or out of order.</summary>
    public static int Disorder(string text)
    {
        var seqs = SeqLine().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var bad = 0;
        for (var i = 1; i < seqs.Count; i++)
        {
            if (seqs[i] <= seqs[i - 1])
            {
                bad++;
            }
        }

        return bad;
    }

    /// <summary>The text as a fresh connection opening the exercise sees it.</summary>
    public async Task<string> ReopenAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var fresh = Build(Token);
        await fresh.StartAsync(timeout.Token);
        var snapshot = await fresh.InvokeAsync<SessionSnapshot>("OpenExercise", Exercise, timeout.Token);
        return snapshot.Files.First(f => f.Name == File).Content;
    }

    public string AckedText => _acked;

    /// <summary>The single change turning <paramref name="before"/> into <paramref name="after"/> (common prefix and suffix kept).</summary>
    public static ContentChange Diff(string before, string after)
    {
        var start = 0;
        var max = Math.Min(before.Length, after.Length);
        while (start < max && before[start] == after[start])
        {
            start++;
        }

        var end = 0;
        while (end < max - start && before[before.Length - 1 - end] == after[after.Length - 1 - end])
        {
            end++;
        }

        return new ContentChange(start, before.Length - start - end, after[start..(after.Length - end)]);
    }

    /// <summary>Monaco's changes of one edit, all against the previous text, applied from the end backwards.</summary>
    public static string Apply(string text, IReadOnlyList<ContentChange> changes)
    {
        var builder = new StringBuilder(text);
        foreach (var c in changes.OrderByDescending(c => c.RangeOffset))
        {
            builder.Remove(c.RangeOffset, c.RangeLength).Insert(c.RangeOffset, c.Text);
        }

        return builder.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }

    /// <summary>As the browser client: 0.5 s doubling to 5 s, forever.</summary>
    private sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            TimeSpan.FromMilliseconds(Math.Min(500 * Math.Pow(2, Math.Min(retryContext.PreviousRetryCount, 10)), 5000));
    }
}
