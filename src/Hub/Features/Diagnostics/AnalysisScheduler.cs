using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>
/// Runs live-diagnostics work (parsing, binding, pushing markers) on a few dedicated threads, never on the thread
/// pool that reads, stores and acknowledges edits. However many learners type, diagnostics use at most
/// <see cref="DiagnosticsOptions.AnalysisThreads"/> cores of the hub; together with the pipeline analysing only the
/// newest version of each file, that is how they shed load instead of falling behind or slowing edits down. Each
/// thread also keeps to a budget: busy at most <see cref="DiagnosticsOptions.AnalysisBusyShare"/> of every 100 ms.
/// (The threads keep the normal CPU priority: on Linux a thread created by a niced thread inherits its nice value,
/// and these threads may make the thread pool start threads.)
/// </summary>
public sealed class AnalysisScheduler : TaskScheduler, IDisposable
{
    // A queue and an event rather than a BlockingCollection: its wait spins before it sleeps, and with thousands
    // of small work items a second that spinning cost more CPU than the work.
    private const int LingerMilliseconds = 20;

    private readonly ConcurrentQueue<Task> _queue = new();
    private readonly AutoResetEvent _ready = new(false);
    private readonly Thread[] _threads;
    private static readonly TimeSpan BudgetWindow = TimeSpan.FromMilliseconds(100);
    private readonly long _budget;
    private int _sleepers;
    private volatile bool _disposed;

    [ThreadStatic]
    private static AnalysisScheduler? _current;

    public AnalysisScheduler(IOptions<DiagnosticsOptions> options)
    {
        _budget = (long)(options.Value.AnalysisBusyShare * BudgetWindow.TotalSeconds * Stopwatch.Frequency);
        _threads = new Thread[options.Value.AnalysisThreads];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"diagnostics-{i}" };
            _threads[i].Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Starts <paramref name="work"/> on the analysis threads; its awaits come back to them.</summary>
    public Task Run(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    /// <inheritdoc cref="Run(Func{Task})"/>
    public Task<T> Run<T>(Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    public void Dispose()
    {
        _disposed = true;
        foreach (var _ in _threads)
        {
            _ready.Set();
        }
    }

    protected override void QueueTask(Task task)
    {
        if (_disposed)
        {
            // Shutting down: run it anyway, so that nothing awaiting it hangs.
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Scheduler.TryExecuteTask(s.Task), (Scheduler: this, Task: task), preferLocal: false);
            return;
        }

        _queue.Enqueue(task);
        // Only a sleeping thread needs waking; a busy one finds the task when it looks again.
        if (Volatile.Read(ref _sleepers) > 0)
        {
            _ready.Set();
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        ReferenceEquals(_current, this) && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        _current = this;
        var idle = 0;
        var (windowStart, busy) = (Stopwatch.GetTimestamp(), 0L);
        while (!_disposed)
        {
            if (_queue.TryDequeue(out var task))
            {
                var started = Stopwatch.GetTimestamp();
                TryExecuteTask(task);
                idle = 0;
                var now = Stopwatch.GetTimestamp();
                busy += now - started;
                var elapsed = Stopwatch.GetElapsedTime(windowStart, now);
                if (elapsed >= BudgetWindow)
                {
                    (windowStart, busy) = (now, 0);
                }
                else if (busy >= _budget)
                {
                    // Over budget in this window: rest until it ends. Work waiting meanwhile is coalesced per file.
                    // On a busy machine preemption stretches the measured time, so diagnostics back off sooner.
                    Thread.Sleep(BudgetWindow - elapsed);
                    (windowStart, busy) = (Stopwatch.GetTimestamp(), 0);
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
}
