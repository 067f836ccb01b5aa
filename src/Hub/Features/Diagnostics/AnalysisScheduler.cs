using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>
/// Runs live-diagnostics work (parsing, binding, pushing markers) on a few dedicated threads, never on the thread
/// pool that reads, stores and acknowledges edits. However many learners type, diagnostics use at most
/// <see cref="DiagnosticsOptions.AnalysisThreads"/> cores of the hub; together with the pipeline analysing only the
/// newest version of each file, that is how they shed load instead of falling behind or slowing edits down.
/// (The threads keep the normal CPU priority: on Linux a thread created by a niced thread inherits its nice value,
/// and these threads may make the thread pool start threads.)
/// </summary>
public sealed class AnalysisScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;

    [ThreadStatic]
    private static AnalysisScheduler? _current;

    public AnalysisScheduler(IOptions<DiagnosticsOptions> options)
    {
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

    public void Dispose() => _queue.CompleteAdding();

    protected override void QueueTask(Task task)
    {
        if (!_queue.TryAdd(task))
        {
            // Shutting down: run it anyway, so that nothing awaiting it hangs.
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Scheduler.TryExecuteTask(s.Task), (Scheduler: this, Task: task), preferLocal: false);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        ReferenceEquals(_current, this) && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        _current = this;
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
