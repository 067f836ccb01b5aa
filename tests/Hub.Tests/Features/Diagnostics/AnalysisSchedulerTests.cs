using System.Diagnostics;
using LearningPlatform.Hub.Features.Diagnostics;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Tests.Features.Diagnostics;

/// <summary>Edits first: how the analysis threads give way to a busy thread pool, and still make progress.</summary>
public sealed class AnalysisSchedulerTests
{
    private static IOptions<DiagnosticsOptions> Options(double share = 0.5) => Microsoft.Extensions.Options.Options.Create(new DiagnosticsOptions
    {
        AnalysisBusyShare = share,
        AnalysisBusyShareUnderLoad = 0.05,
        YieldToEditsShare = 0.5,
    });

    private static void Spin(TimeSpan duration)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(100);
        }
    }

    private static async Task<TimeSpan> RunWork(AnalysisScheduler scheduler, int pieces, TimeSpan each)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < pieces; i++)
        {
            await scheduler.Run(() =>
            {
                Spin(each);
                return Task.CompletedTask;
            });
        }

        return Stopwatch.GetElapsedTime(started);
    }

    [Fact]
    public async Task WhileEditsWait_DiagnosticsShrinkToTheirShareUnderLoad_ButStillFinish()
    {
        // Ten 30 ms pieces: 300 ms of work. With edits always waiting the budget halves each window down to 5 %, and
        // each window also pauses up to 50 ms first, so each piece gets about a window of its own.
        using var contended = new AnalysisScheduler(Options(), editsWaiting: () => true);

        var elapsed = await RunWork(contended, 10, TimeSpan.FromMilliseconds(30)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(700), $"contended work took only {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(contended.ContendedWindows >= 5, $"{contended.ContendedWindows} contended windows");
    }

    [Fact]
    public async Task WithoutWaitingEdits_NoWindowIsContended()
    {
        using var calm = new AnalysisScheduler(Options(share: 1.0), editsWaiting: () => false);

        await RunWork(calm, 10, TimeSpan.FromMilliseconds(5)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, calm.ContendedWindows);
    }

    [Fact]
    public async Task ASaturatedThreadPool_IsSeenByTheProbe_AndDiagnosticsStillFinish()
    {
        using var scheduler = new AnalysisScheduler(Options());
        using var stop = new CancellationTokenSource();
        // Keeps 50 one-millisecond pieces of CPU work queued to the pool: whatever it queues next waits well past 2 ms.
        void Busy(object? _)
        {
            Spin(TimeSpan.FromMilliseconds(1));
            if (!stop.IsCancellationRequested)
            {
                ThreadPool.UnsafeQueueUserWorkItem(Busy, null);
            }
        }

        for (var i = 0; i < 50; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(Busy, null);
        }

        try
        {
            await RunWork(scheduler, 20, TimeSpan.FromMilliseconds(2)).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            stop.Cancel();
        }

        Assert.True(scheduler.ContendedWindows > 0, "the probe never saw the pool's backlog");
    }

    [Fact]
    public async Task TimeChargedForAHelper_CountsAgainstTheBudget()
    {
        using var scheduler = new AnalysisScheduler(Options(share: 0.1), editsWaiting: () => false);
        await scheduler.Run(() => Task.CompletedTask);

        // Charging a whole window's worth of helper time makes the thread rest until its window ends.
        var started = Stopwatch.GetTimestamp();
        await scheduler.Run(() =>
        {
            AnalysisScheduler.Charge(Stopwatch.Frequency);
            return Task.CompletedTask;
        });
        await scheduler.Run(() => Task.CompletedTask);
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(40), $"the next task ran after only {elapsed.TotalMilliseconds:F1} ms");
    }

    [Fact]
    public async Task WorkStillQueuedWhenTheSchedulerIsDisposed_RunsAnyway()
    {
        var scheduler = new AnalysisScheduler(Options(share: 0.1), editsWaiting: () => false);
        // The first piece leaves the thread resting (charged a second); the second waits in the queue meanwhile.
        var first = scheduler.Run(() =>
        {
            AnalysisScheduler.Charge(Stopwatch.Frequency);
            return Task.CompletedTask;
        });
        await first;
        var second = scheduler.Run(() => Task.FromResult(42));

        scheduler.Dispose();

        Assert.Equal(42, await second.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
