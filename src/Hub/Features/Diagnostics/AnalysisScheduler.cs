using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>
/// Runs live-diagnostics work (parsing, binding, pushing markers) on a few dedicated threads, never on the thread
/// pool that reads, stores and acknowledges edits. However many learners type, diagnostics use at most
/// <see cref="DiagnosticsOptions.AnalysisThreads"/> cores of the hub; together with the pipeline analysing only the
/// newest version of each file, that is how they shed load instead of falling behind or slowing edits down. Each
/// thread also keeps to a budget: busy at most <see cref="DiagnosticsOptions.AnalysisBusyShare"/> of the time on
/// average (bursts up to two 100 ms windows' worth), less while edits wait for a core (see <see cref="YieldToEdits"/>
/// and <see cref="Next"/>).
/// (The threads keep the normal CPU priority: on Linux a thread created by a niced thread inherits its nice value,
/// and these threads may make the thread pool start threads.)
/// </summary>
public sealed class AnalysisScheduler : TaskScheduler, IDisposable
{
    // A queue and an event rather than a BlockingCollection: its wait spins before it sleeps, and with thousands
    // of small work items a second that spinning cost more CPU than the work.
    private const int LingerMilliseconds = 20;

    // Work items in the thread pool's queue that make a late probe a sign of waiting edits. Fewer (a lone learner, a
    // garbage collection, the probe alone) is nobody's edit waiting: no reason to give way.
    private const int QueuedEdits = 2;

    private readonly ConcurrentQueue<Task> _queue = new();
    private readonly AutoResetEvent _ready = new(false);
    private readonly Thread[] _threads;
    private readonly long _budget;
    private readonly long _budgetUnderLoad;
    private readonly long _editsWaitingAfter;
    private readonly long _yieldBudget;
    private int _sleepers;

    // When the probe now waiting in the thread pool's queue was queued (0: none is), and how long the last one waited.
    private long _probeQueued;
    private long _probeWaited;
    private volatile bool _disposed;

    [ThreadStatic]
    private static AnalysisScheduler? _current;

    // Time spent elsewhere on this thread's behalf (the Python helper), counted as busy time after the task.
    [ThreadStatic]
    private static long _charged;

    private readonly Func<bool> _editsWaiting;
    private long _contendedWindows;

    /// <param name="editsWaiting">Replaces the thread-pool probe of <see cref="EditsWaiting"/> (tests force contention with it).</param>
    public AnalysisScheduler(IOptions<DiagnosticsOptions> options, Func<bool>? editsWaiting = null)
    {
        _editsWaiting = editsWaiting ?? EditsWaiting;
        _budget = Ticks(options.Value.AnalysisBusyShare);
        _budgetUnderLoad = Math.Min(_budget, Ticks(options.Value.AnalysisBusyShareUnderLoad));
        _editsWaitingAfter = (long)(options.Value.EditsWaitingAfter.TotalSeconds * Stopwatch.Frequency);
        _yieldBudget = Ticks(options.Value.YieldToEditsShare);
        _threads = new Thread[options.Value.AnalysisThreads];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"diagnostics-{i}" };
            _threads[i].Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Budget windows so far in which edits were waiting for a core (diagnostics gave way).</summary>
    public long ContendedWindows => Interlocked.Read(ref _contendedWindows);

    // The budget window, 100 ms, in Stopwatch ticks.
    private static readonly long WindowTicks = Stopwatch.Frequency / 10;

    private static long Ticks(double shareOfWindow) => (long)(shareOfWindow * WindowTicks);

    /// <summary>
    /// Starts <paramref name="work"/> on the analysis threads; its awaits come back to them. It does not inherit the
    /// caller's execution context: work for an edit must not keep the edit's hub call (its activity, logging scopes)
    /// alive while it waits, and its logs name the session and file themselves.
    /// </summary>
    public Task Run(Func<Task> work) => Start(work).Unwrap();

    /// <inheritdoc cref="Run(Func{Task})"/>
    public Task<T> Run<T>(Func<Task<T>> work) => Start(work).Unwrap();

    private Task<TResult> Start<TResult>(Func<TResult> work)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);
        }
    }

    /// <summary>
    /// Counts <paramref name="elapsedTicks"/> (<see cref="Stopwatch"/> ticks) of work done outside the hub for the
    /// task running now (a Python helper's parse) against this thread's budget. No effect off the analysis threads.
    /// </summary>
    public static void Charge(long elapsedTicks)
    {
        if (_current is not null && elapsedTicks > 0)
        {
            _charged += elapsedTicks;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var _ in _threads)
        {
            _ready.Set();
        }

        HandOver();
    }

    protected override void QueueTask(Task task)
    {
        _queue.Enqueue(task);
        if (_disposed)
        {
            // Shutting down (checked after queueing, so no task slips between Dispose's hand-over and this one).
            HandOver();
            return;
        }

        // Only a sleeping thread needs waking; a busy one finds the task when it looks again.
        if (Volatile.Read(ref _sleepers) > 0)
        {
            _ready.Set();
        }
    }

    /// <summary>
    /// After disposal: the tasks still queued run on the thread pool, so that nothing awaiting them hangs (a shared
    /// analyzer's loop, such as the Python helper's batches, may be resuming here when a pipeline is disposed).
    /// </summary>
    private void HandOver()
    {
        while (_queue.TryDequeue(out var task))
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Scheduler.TryExecuteTask(s.Task), (Scheduler: this, Task: task), preferLocal: false);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        ReferenceEquals(_current, this) && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        _current = this;
        var idle = 0;
        var window = new Window(Stopwatch.GetTimestamp(), _budget);
        // Time the thread may still be busy: earned at the window's share of wall time, up to two windows' budget,
        // so a lone learner's 20 ms compile every keystroke never waits, while sustained load keeps to the share.
        var (credit, earnedUntil) = (2 * _budget, window.Start);
        while (!_disposed)
        {
            if (_queue.TryDequeue(out var task))
            {
                idle = 0;
                YieldToEdits(ref window);
                var started = Stopwatch.GetTimestamp();
                TryExecuteTask(task);
                var now = Stopwatch.GetTimestamp();
                var share = (double)window.Budget / WindowTicks;
                credit = Math.Min(2 * window.Budget, credit + (long)((now - earnedUntil) * share)) - (now - started + _charged);
                (earnedUntil, _charged) = (now, 0);
                if (now - window.Start >= WindowTicks)
                {
                    window = Next(window, now);
                }

                if (credit < 0)
                {
                    // Over budget: rest until the debt is earned back, at most one window (older debt is forgiven).
                    // Work waiting meanwhile is coalesced per file. On a busy machine preemption stretches the
                    // measured time, so diagnostics back off sooner.
                    Thread.Sleep(TimeSpan.FromSeconds(Math.Min(-credit / share, WindowTicks) / Stopwatch.Frequency));
                    (credit, earnedUntil) = (0, Stopwatch.GetTimestamp());
                }

                continue;
            }

            // While learners type, work arrives thousands of times a second: looking every millisecond costs far
            // less than being woken for each item (a context switch each). Only a quiet queue waits for a signal.
            if (++idle <= LingerMilliseconds)
            {
                Thread.Sleep(1);
                continue;
            }

            idle = 0;
            Interlocked.Increment(ref _sleepers);
            // Looked at again after announcing the sleep: a task queued in between is either seen here or wakes us.
            if (_queue.IsEmpty && !_disposed)
            {
                _ready.WaitOne();
            }

            Interlocked.Decrement(ref _sleepers);
        }
    }

    /// <summary>
    /// Edits first: while the thread pool has a backlog (edits and their acknowledgements waiting for a core), the
    /// analysis thread gives its core away a millisecond at a time, for at most
    /// <see cref="DiagnosticsOptions.YieldToEditsShare"/> of each window, so diagnostics still make progress under
    /// sustained load; they move to the moments edits leave free rather than stopping.
    /// </summary>
    private void YieldToEdits(ref Window window)
    {
        while (_editsWaiting())
        {
            if (!window.Contended)
            {
                window.Contended = true;
                Interlocked.Increment(ref _contendedWindows);
            }

            if (window.Yielded >= _yieldBudget)
            {
                return;
            }

            var started = Stopwatch.GetTimestamp();
            Thread.Sleep(1);
            window.Yielded += Stopwatch.GetTimestamp() - started;
        }
    }

    /// <summary>
    /// Whether work queued to the thread pool (edits, their acknowledgements) waits longer than
    /// <see cref="DiagnosticsOptions.EditsWaitingAfter"/> for a thread: measured by a probe, one at a time, queued
    /// behind that work.
    /// </summary>
    private bool EditsWaiting()
    {
        var queued = Volatile.Read(ref _probeQueued);
        if (queued == 0)
        {
            // One probe at a time, whichever analysis thread sends it.
            if (Interlocked.CompareExchange(ref _probeQueued, Stopwatch.GetTimestamp(), 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.ProbeRan(), this, preferLocal: false);
            }

            return Volatile.Read(ref _probeWaited) > _editsWaitingAfter && ThreadPool.PendingWorkItemCount >= QueuedEdits;
        }

        return Stopwatch.GetTimestamp() - queued > _editsWaitingAfter && ThreadPool.PendingWorkItemCount >= QueuedEdits;
    }

    private void ProbeRan()
    {
        Volatile.Write(ref _probeWaited, Stopwatch.GetTimestamp() - Volatile.Read(ref _probeQueued));
        Volatile.Write(ref _probeQueued, 0);
    }

    /// <summary>
    /// The next window's budget: halved (down to <see cref="DiagnosticsOptions.AnalysisBusyShareUnderLoad"/>) after
    /// a window in which edits had to wait, grown back by a tenth of the full budget for each calm window's worth
    /// of time. So a lone learner gets the full budget, and a hub full of typing learners gives its CPU to their
    /// edits first.
    /// </summary>
    private Window Next(Window window, long now)
    {
        if (window.Contended)
        {
            return new(now, Math.Max(_budgetUnderLoad, window.Budget / 2));
        }

        var windows = Math.Max(1, (now - window.Start) / WindowTicks);
        return new(now, (long)Math.Min(_budget, window.Budget + (windows * (_budget / 10.0))));
    }

    /// <summary>One budget window of an analysis thread: its start, budget (busy time per window) and time yielded to edits.</summary>
    private struct Window(long start, long budget)
    {
        public readonly long Start = start;
        public readonly long Budget = budget;
        public long Yielded;

        /// <summary>Edits were seen waiting for a core in this window.</summary>
        public bool Contended;
    }
}
