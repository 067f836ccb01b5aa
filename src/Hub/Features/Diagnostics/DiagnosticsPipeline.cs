using System.Collections.Concurrent;
using System.Collections.Immutable;
using LearningPlatform.Contracts.Workbench;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>An edit as the hub receives it: file <see cref="File"/> of a session is now <see cref="Text"/>.</summary>
/// <param name="Version">Monaco's version id of the model after the edit; must grow per file.</param>
/// <param name="Changes">Monaco's changes from the previous version, if the client sent them (optional).</param>
public sealed record DocumentUpdate(string SessionId, string File, long Version, string Text, IReadOnlyList<ContentChange>? Changes = null);

/// <summary>
/// Layered live diagnostics. Per (session, file): the syntax layer runs on the newest accepted version as soon as one
/// of <see cref="DiagnosticsOptions.MaxConcurrentSyntaxAnalyses"/> syntax slots is free; the compiler and lint layers
/// run after <see cref="DiagnosticsOptions.SemanticDebounce"/> in one of
/// <see cref="DiagnosticsOptions.MaxConcurrentSemanticAnalyses"/> slots, and a newer version cancels the older one's
/// running analysis. Files wait for a slot in arrival order (<see cref="SlotQueue{T}"/>) holding only their newest
/// version: versions that arrive meanwhile are coalesced, and a file whose pass is over queues behind the others,
/// so under load every file gets fresh markers less often instead of a backlog growing. All of it runs on the
/// <see cref="AnalysisScheduler"/>'s few threads, off the thread pool that serves edits. Results go to <see cref="IDiagnosticsSink"/>, per file
/// and layer in strictly increasing versions; a semantic result is delivered only while its version is still the
/// newest.
/// </summary>
public sealed class DiagnosticsPipeline : IDisposable
{
    private readonly ILanguageAnalyzer[] _analyzers;
    private readonly IDiagnosticsSink _sink;
    private readonly DiagnosticsOptions _options;
    private readonly ILogger<DiagnosticsPipeline> _logger;
    private readonly TimeProvider _time;
    private readonly AnalysisScheduler _scheduler;
    private readonly bool _ownsScheduler;
    private readonly SlotQueue<Document> _syntaxQueue;
    private readonly SlotQueue<Document> _semanticQueue;
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public DiagnosticsPipeline(
        IEnumerable<ILanguageAnalyzer> analyzers,
        IDiagnosticsSink sink,
        IOptions<DiagnosticsOptions> options,
        ILogger<DiagnosticsPipeline> logger,
        TimeProvider? time = null,
        AnalysisScheduler? scheduler = null)
    {
        _analyzers = [.. analyzers];
        _sink = sink;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _ownsScheduler = scheduler is null;
        _scheduler = scheduler ?? new AnalysisScheduler(options);
        _syntaxQueue = new SlotQueue<Document>(_options.MaxConcurrentSyntaxAnalyses, StartSyntaxPass);
        _semanticQueue = new SlotQueue<Document>(_options.MaxConcurrentSemanticAnalyses, StartSemantic);
    }

    /// <summary>Whether some analyzer handles <paramref name="file"/>.</summary>
    public bool Handles(string file) => FindAnalyzer(file) is not null;

    /// <summary>
    /// Records the texts of a session's files without analysing them, so that a file compiled with others (C#) sees
    /// them before they are edited. Later edits of those files replace these texts.
    /// </summary>
    public void SetSessionFiles(string sessionId, IReadOnlyDictionary<string, string> files)
    {
        var session = _sessions.GetOrAdd(sessionId, static _ => new Session());
        foreach (var (file, text) in files)
        {
            session.SetFile(file, text);
        }
    }

    /// <summary>
    /// Accepts a new version of a file and queues its analysis; the task completes once syntax markers of this
    /// version (or of a newer one that superseded it) are delivered. Returns <c>false</c> when the update is not
    /// analysed (no analyzer for the file, or not newer than the latest version already accepted). Never throws
    /// for analysis failures.
    /// </summary>
    public Task<bool> DocumentChangedAsync(DocumentUpdate update, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Accept(update, done))
        {
            return Task.FromResult(false);
        }

        return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
    }

    /// <summary>
    /// <see cref="DocumentChangedAsync"/> for a caller that does not wait for the markers (the hub, once per edit):
    /// nothing is allocated to tell it when they are delivered.
    /// </summary>
    public bool DocumentChanged(DocumentUpdate update) => Accept(update, done: null);

    private bool Accept(DocumentUpdate update, TaskCompletionSource<bool>? done)
    {
        ArgumentNullException.ThrowIfNull(update);
        var analyzer = FindAnalyzer(update.File);
        if (analyzer is null)
        {
            return false;
        }

        var session = _sessions.GetOrAdd(update.SessionId, static _ => new Session());
        var doc = session.Documents.GetOrAdd(update.File, static _ => new Document());
        CancellationTokenSource? older;
        bool start;
        lock (doc.Gate)
        {
            if (doc.Closed || update.Version <= doc.LatestVersion)
            {
                DiagnosticsLog.StaleVersion(_logger, update.SessionId, update.File, update.Version, doc.LatestVersion);
                return false;
            }

            doc.LatestVersion = update.Version;
            older = doc.Semantic;
            (doc.Semantic, doc.SemanticDue, doc.Debouncing) = (null, null, null);
            // Under the document's lock, so the session's texts are taken in version order.
            var files = session.SetFile(update.File, update.Text, out var sessionLength);
            doc.Pending = new SyntaxWork(new DocumentSnapshot(update.SessionId, update.File, update.Version, update.Text, update.Changes, files), analyzer, sessionLength);
            if (done is not null)
            {
                (doc.Waiters ??= []).Add(done);
            }

            start = !doc.Queued;
            doc.Queued = true;
        }

        // Outside the lock: cancellation runs the older job's continuations inline.
        older?.Cancel();
        if (start)
        {
            _syntaxQueue.Enqueue(doc);
        }

        return true;
    }

    /// <summary>A syntax slot is free for the file: analyse its newest pending version.</summary>
    private bool StartSyntaxPass(Document doc)
    {
        SyntaxWork? work;
        List<TaskCompletionSource<bool>>? waiters;
        lock (doc.Gate)
        {
            (work, waiters) = (doc.Pending, doc.Waiters);
            (doc.Pending, doc.Waiters) = (null, null);
            if (work is null || doc.Closed || _stopping.IsCancellationRequested)
            {
                doc.Queued = false;
                work = null;
            }
        }

        if (work is null)
        {
            Complete(waiters);
            return false;
        }

        _ = _scheduler.Run(() => SyntaxPassAsync(doc, work, waiters));
        return true;
    }

    /// <summary>Analyses one version in a syntax slot, then queues the file again if a newer one came meanwhile.</summary>
    private async Task SyntaxPassAsync(Document doc, SyntaxWork work, List<TaskCompletionSource<bool>>? waiters)
    {
        bool again;
        try
        {
            await AnalyzeSyntaxAsync(doc, work);
        }
        finally
        {
            Complete(waiters);
            lock (doc.Gate)
            {
                again = doc.Pending is not null && !doc.Closed;
                doc.Queued = again;
            }

            _syntaxQueue.Release();
        }

        if (again)
        {
            // Behind every file already waiting: fair to all learners when the analyzers are saturated.
            _syntaxQueue.Enqueue(doc);
        }
    }

    private static void Complete(List<TaskCompletionSource<bool>>? waiters)
    {
        foreach (var waiter in waiters ?? [])
        {
            waiter.TrySetResult(true);
        }
    }

    private async Task AnalyzeSyntaxAsync(Document doc, SyntaxWork work)
    {
        var snapshot = work.Snapshot;
        try
        {
            var refusal = snapshot.Text.Length > _options.MaxFileLength
                ? $"This file is too large for live checking ({snapshot.Text.Length:N0} characters; the limit is {_options.MaxFileLength:N0})."
                : work.SessionLength > _options.MaxSessionLength
                    ? $"This session's files are too large for live checking ({work.SessionLength:N0} characters; the limit is {_options.MaxSessionLength:N0})."
                    : null;
            if (refusal is not null)
            {
                DiagnosticsLog.Refused(_logger, snapshot.SessionId, snapshot.File, snapshot.Version, refusal);
                await DeliverAsync(doc, snapshot, DiagnosticsLayer.Syntax, [Markers.Note(DiagnosticsLayer.Syntax, refusal, MarkerSeverity.Warning)]);
                await DeliverAsync(doc, snapshot, DiagnosticsLayer.Compiler, Markers.None);
                await DeliverAsync(doc, snapshot, DiagnosticsLayer.Lint, Markers.None);
                return;
            }

            var markers = await RunSyntaxAsync(doc, work.Analyzer, snapshot);
            await DeliverAsync(doc, snapshot, DiagnosticsLayer.Syntax, markers);
            ScheduleSemantic(doc, work.Analyzer, snapshot);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            DiagnosticsLog.AnalysisFailed(_logger, ex, DiagnosticsLayer.Syntax, snapshot.SessionId, snapshot.File, snapshot.Version);
        }
        catch (OperationCanceledException)
        {
            // the host is stopping
        }
    }

    /// <summary>Stops analysing a file (closed tab, deleted file) and forgets its text.</summary>
    public void CloseDocument(string sessionId, string file)
    {
        if (_sessions.TryGetValue(sessionId, out var session))
        {
            session.RemoveFile(file);
            if (session.Documents.TryRemove(file, out var doc))
            {
                doc.Close();
            }
        }
    }

    /// <summary>Stops analysing a session and drops all its state (call when the session ends).</summary>
    public void CloseSession(string sessionId)
    {
        if (_sessions.TryRemove(sessionId, out var session))
        {
            foreach (var doc in session.Documents.Values)
            {
                doc.Close();
            }
        }

        foreach (var analyzer in _analyzers)
        {
            analyzer.Forget(sessionId);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var id in _sessions.Keys)
        {
            CloseSession(id);
        }

        if (_ownsScheduler)
        {
            _scheduler.Dispose();
        }
    }

    private ILanguageAnalyzer? FindAnalyzer(string file)
    {
        foreach (var analyzer in _analyzers)
        {
            if (analyzer.Handles(file))
            {
                return analyzer;
            }
        }

        return null;
    }

    private async Task<IReadOnlyList<Marker>> RunSyntaxAsync(Document doc, ILanguageAnalyzer analyzer, DocumentSnapshot snapshot)
    {
        // One file's passes run one at a time, so its time limit is one reusable token source (and timer).
        var limit = doc.SyntaxLimit ??= new CancellationTokenSource();
        limit.CancelAfter(_options.SyntaxTimeLimit);
        try
        {
            return await analyzer.SyntaxAsync(snapshot, limit.Token);
        }
        catch (Exception ex) when ((ex is OperationCanceledException && limit.IsCancellationRequested && !_stopping.IsCancellationRequested) || ex is TimeoutException)
        {
            DiagnosticsLog.AnalysisTimedOut(_logger, DiagnosticsLayer.Syntax, snapshot.SessionId, snapshot.File, snapshot.Version, _options.SyntaxTimeLimit);
            return [Markers.Note(DiagnosticsLayer.Syntax, "Syntax check took too long and was skipped.")];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DiagnosticsLog.AnalysisFailed(_logger, ex, DiagnosticsLayer.Syntax, snapshot.SessionId, snapshot.File, snapshot.Version);
            return Markers.None;
        }
        finally
        {
            if (!limit.TryReset())
            {
                limit.Dispose();
                doc.SyntaxLimit = null;
            }
        }
    }

    private void ScheduleSemantic(Document doc, ILanguageAnalyzer analyzer, DocumentSnapshot snapshot)
    {
        lock (doc.Gate)
        {
            if (doc.Closed || doc.LatestVersion != snapshot.Version)
            {
                return;
            }

            doc.Debouncing = new SemanticWork(snapshot, analyzer);
            if (_options.SemanticDebounce > TimeSpan.Zero)
            {
                // One timer per file, re-armed by every version: typing creates no timer per keystroke. It captures
                // no caller's context (the edit that created it would stay referenced as long as the file is open).
                if (doc.SemanticTimer is null)
                {
                    using (ExecutionContext.SuppressFlow())
                    {
                        doc.SemanticTimer = _time.CreateTimer(_ => QueueSemantic(doc), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    }
                }

                doc.SemanticTimer.Change(_options.SemanticDebounce, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        QueueSemantic(doc);
    }

    /// <summary>The debounce is over: the file waits for a semantic slot (once, however many versions come meanwhile).</summary>
    private void QueueSemantic(Document doc)
    {
        DocumentSnapshot snapshot;
        lock (doc.Gate)
        {
            (doc.SemanticDue, doc.Debouncing) = (doc.Debouncing ?? doc.SemanticDue, null);
            if (doc.SemanticDue is null || doc.Closed || doc.SemanticQueued)
            {
                return;
            }

            doc.SemanticQueued = true;
            snapshot = doc.SemanticDue.Snapshot;
        }

        if (_semanticQueue.Busy >= _options.MaxConcurrentSemanticAnalyses)
        {
            DiagnosticsLog.SemanticQueued(_logger, snapshot.SessionId, snapshot.File, _options.MaxConcurrentSemanticAnalyses);
        }

        _semanticQueue.Enqueue(doc);
    }

    /// <summary>A semantic slot is free for the file: analyse its waiting version, unless a newer one came meanwhile.</summary>
    private bool StartSemantic(Document doc)
    {
        SemanticWork? work;
        CancellationTokenSource cts;
        lock (doc.Gate)
        {
            doc.SemanticQueued = false;
            (work, doc.SemanticDue) = (doc.SemanticDue, null);
            if (work is null || doc.Closed || doc.LatestVersion != work.Snapshot.Version || _stopping.IsCancellationRequested)
            {
                return false;
            }

            // Not linked to anything and without a timer, so it needs no disposal (cancelling it is always safe).
            cts = new CancellationTokenSource();
            doc.Semantic = cts;
        }

        _ = _scheduler.Run(() => RunSemanticAsync(doc, work.Analyzer, work.Snapshot, cts));
        return true;
    }

    /// <summary>Runs in a semantic slot, which it frees once the analysis is over (delivering needs none).</summary>
    private async Task RunSemanticAsync(Document doc, ILanguageAnalyzer analyzer, DocumentSnapshot snapshot, CancellationTokenSource superseded)
    {
        var token = superseded.Token;
        try
        {
            SemanticMarkers result;
            try
            {
                result = await AnalyzeSemanticAsync(analyzer, snapshot, token);
            }
            finally
            {
                _semanticQueue.Release();
            }

            if (result.Compiler is { } compiler)
            {
                await DeliverAsync(doc, snapshot, DiagnosticsLayer.Compiler, compiler);
            }

            if (result.Lint is { } lint)
            {
                await DeliverAsync(doc, snapshot, DiagnosticsLayer.Lint, lint);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Superseded by a newer version, or the file or session closed: nothing to deliver.
        }
        catch (Exception ex)
        {
            DiagnosticsLog.AnalysisFailed(_logger, ex, DiagnosticsLayer.Compiler, snapshot.SessionId, snapshot.File, snapshot.Version);
        }
        finally
        {
            lock (doc.Gate)
            {
                if (ReferenceEquals(doc.Semantic, superseded))
                {
                    doc.Semantic = null;
                }
            }
        }
    }

    private async Task<SemanticMarkers> AnalyzeSemanticAsync(ILanguageAnalyzer analyzer, DocumentSnapshot snapshot, CancellationToken superseded)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(superseded);
        limit.CancelAfter(_options.SemanticTimeLimit);
        try
        {
            // Analyzers are CPU bound and mostly synchronous: on the analysis threads, whoever resumed us.
            return await _scheduler.Run(() => analyzer.SemanticAsync(snapshot, limit.Token)).WaitAsync(limit.Token);
        }
        catch (Exception ex) when ((ex is OperationCanceledException && !superseded.IsCancellationRequested) || ex is TimeoutException)
        {
            DiagnosticsLog.AnalysisTimedOut(_logger, DiagnosticsLayer.Compiler, snapshot.SessionId, snapshot.File, snapshot.Version, _options.SemanticTimeLimit);
            return new SemanticMarkers(
                [Markers.Note(DiagnosticsLayer.Compiler, "Compiler check took too long and was skipped for this version.")],
                Markers.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DiagnosticsLog.AnalysisFailed(_logger, ex, DiagnosticsLayer.Compiler, snapshot.SessionId, snapshot.File, snapshot.Version);
            return new SemanticMarkers([Markers.Note(DiagnosticsLayer.Compiler, "Compiler check failed for this version.")], Markers.None);
        }
    }

    private async Task DeliverAsync(Document doc, DocumentSnapshot snapshot, string layer, IReadOnlyList<Marker> markers)
    {
        await doc.DeliveryGate.WaitAsync();
        try
        {
            // Checked under the delivery gate so that no older version can slip in after a newer one went out.
            var (delivered, previous) = doc.Delivered.GetValueOrDefault(layer, (long.MinValue, null));
            bool stale;
            lock (doc.Gate)
            {
                stale = doc.Closed || snapshot.Version <= delivered
                    || (layer != DiagnosticsLayer.Syntax && snapshot.Version != doc.LatestVersion);
            }

            if (stale)
            {
                return;
            }

            doc.Delivered[layer] = (snapshot.Version, markers);
            try
            {
                await _sink.PublishAsync(new DiagnosticsResult(snapshot.SessionId, snapshot.File, snapshot.Version, layer, markers, previous), _stopping.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                DiagnosticsLog.PublishFailed(_logger, ex, layer, snapshot.SessionId, snapshot.File, snapshot.Version);
            }
        }
        finally
        {
            doc.DeliveryGate.Release();
        }
    }

    private sealed class Session
    {
        private readonly Lock _gate = new();
        private ImmutableDictionary<string, string> _files = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);
        private long _length;

        public ConcurrentDictionary<string, Document> Documents { get; } = new(StringComparer.Ordinal);

        public void SetFile(string file, string text) => SetFile(file, text, out _);

        public ImmutableDictionary<string, string> SetFile(string file, string text, out long sessionLength)
        {
            lock (_gate)
            {
                _length += text.Length - (_files.TryGetValue(file, out var old) ? old.Length : 0);
                _files = _files.SetItem(file, text);
                sessionLength = _length;
                return _files;
            }
        }

        public void RemoveFile(string file)
        {
            lock (_gate)
            {
                if (_files.TryGetValue(file, out var old))
                {
                    _length -= old.Length;
                    _files = _files.Remove(file);
                }
            }
        }
    }

    private sealed record SyntaxWork(DocumentSnapshot Snapshot, ILanguageAnalyzer Analyzer, long SessionLength);

    private sealed record SemanticWork(DocumentSnapshot Snapshot, ILanguageAnalyzer Analyzer);

    private sealed class Document
    {
        public Lock Gate { get; } = new();
        public SemaphoreSlim DeliveryGate { get; } = new(1, 1);
        public Dictionary<string, (long Version, IReadOnlyList<Marker>? Markers)> Delivered { get; } = new(StringComparer.Ordinal);
        public long LatestVersion { get; set; } = long.MinValue;
        public CancellationTokenSource? Semantic { get; set; }

        /// <summary>The version whose compiler and lint layers run when <see cref="SemanticTimer"/> fires.</summary>
        public SemanticWork? Debouncing { get; set; }

        /// <summary>The version whose compiler and lint layers run when the file gets a semantic slot.</summary>
        public SemanticWork? SemanticDue { get; set; }

        /// <summary>The file waits for a semantic slot.</summary>
        public bool SemanticQueued { get; set; }
        public ITimer? SemanticTimer { get; set; }
        public CancellationTokenSource? SyntaxLimit { get; set; }

        /// <summary>The newest version waiting for its syntax pass, and who waits for it.</summary>
        public SyntaxWork? Pending { get; set; }
        public List<TaskCompletionSource<bool>>? Waiters { get; set; }

        /// <summary>A syntax pass of this file is queued or running.</summary>
        public bool Queued { get; set; }
        public bool Closed { get; private set; }

        public void Close()
        {
            CancellationTokenSource? running;
            List<TaskCompletionSource<bool>>? waiters;
            lock (Gate)
            {
                Closed = true;
                running = Semantic;
                (Semantic, SemanticDue, Debouncing) = (null, null, null);
                waiters = Waiters;
                (Pending, Waiters) = (null, null);
                SemanticTimer?.Dispose();
            }

            running?.Cancel();
            foreach (var waiter in waiters ?? [])
            {
                waiter.TrySetResult(false);
            }
        }
    }
}
