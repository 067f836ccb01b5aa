using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Threading.Channels;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Sandbox;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Pools;

public sealed class PoolOptions
{
    public const string SectionName = "Runner:Pools";

    /// Warm containers kept per language; 0 turns pooling off (every run starts cold).
    [Range(0, 64)] public int Size { get; set; } = 2;

    /// Warm containers per language that authors' trial runs (saving, validating, importing exercises) leave to
    /// learners' runs: an import validating exercises side by side would otherwise empty the pool, and every
    /// learner's run meanwhile would start cold. Trials take a warm container only while more than this many are ready.
    [Range(0, 64)] public int KeptForLearners { get; set; } = 1;

    /// How long a new container may take to load its test framework before it is discarded.
    [Range(1, 300)] public int ReadyTimeoutSeconds { get; set; } = 60;

    /// Pooled containers older than this are replaced (the reaper treats far older ones as strays).
    [Range(10, 3600)] public int MaxIdleSeconds { get; set; } = 600;

    /// Containers being created at once (all languages); more fills faster, at the cost of CPU for running runs.
    [Range(1, 32)] public int FillConcurrency { get; set; } = 2;

    /// Languages to pool; empty = all.
    public List<RunLanguage> Languages { get; set; } = [];
}

/// Per language, N containers created, started and ready (the worker has imported its test framework and blocks
/// on stdin). Each is taken by exactly one run; the pool refills in the background. Empty pool: the caller starts
/// a cold container.
internal sealed class WarmPool(SandboxFactory factory, IOptions<PoolOptions> options, ILogger<WarmPool> logger) : BackgroundService
{
    private readonly PoolOptions _o = options.Value;
    private readonly ConcurrentDictionary<RunLanguage, ConcurrentQueue<SandboxContainer>> _ready = new();
    private readonly ConcurrentDictionary<RunLanguage, int> _creating = new();
    private readonly Channel<RunLanguage> _refill = Channel.CreateUnbounded<RunLanguage>();
    private readonly TaskCompletionSource _filled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Enabled => _o.Size > 0;

    /// Completes once every pooled language has reached its size for the first time (or pooling is off).
    public Task Filled => _filled.Task;

    private IEnumerable<RunLanguage> PooledLanguages => _o.Languages.Count > 0 ? _o.Languages : Enum.GetValues<RunLanguage>();

    public int Count(RunLanguage language) => _ready.TryGetValue(language, out var q) ? q.Count : 0;

    /// Ids of the containers idle in the pool right now.
    public IReadOnlyCollection<string> IdleIds => _ready.Values.SelectMany(q => q.Select(c => c.Id)).ToList();

    /// True when every pooled language is at its size and nothing is being created.
    public bool IsFull => !Enabled || PooledLanguages.All(l => Count(l) >= _o.Size && _creating.GetValueOrDefault(l) == 0);

    /// A ready container for a run, or null (start a cold one). <paramref name="trial"/>: an author's trial run, which
    /// leaves <see cref="PoolOptions.KeptForLearners"/> containers to learners.
    public SandboxContainer? TryTake(RunLanguage language, bool trial = false)
    {
        if (!Enabled || !_ready.TryGetValue(language, out var q) || trial && q.Count <= _o.KeptForLearners)
        {
            return null;
        }
        SandboxContainer? taken = null;
        while (q.TryDequeue(out var c))
        {
            if (DateTimeOffset.UtcNow - c.CreatedAt < TimeSpan.FromSeconds(_o.MaxIdleSeconds))
            {
                taken = c;
                break;
            }
            var removal = c.DisposeAsync().AsTask();
            _inFlight.TryAdd(removal, 0);
            _ = removal.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
        if (taken is null)
        {
            _refill.Writer.TryWrite(language);
        }
        return taken;
    }

    /// Called when a run that took a warm container is over: refilling then rather than at take time keeps the
    /// new container's start (CPU-heavy: runtime start, framework import) from competing with the run itself.
    public void Replenish(RunLanguage language)
    {
        if (Enabled)
        {
            _refill.Writer.TryWrite(language);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            _filled.TrySetResult();
            return;
        }
        foreach (var language in PooledLanguages)
        {
            _ready.TryAdd(language, new ConcurrentQueue<SandboxContainer>());
            _refill.Writer.TryWrite(language);
        }
        using var recycle = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(5, _o.MaxIdleSeconds / 4)));
        _ = RecycleLoopAsync(recycle, stoppingToken);
        try
        {
            await foreach (var language in _refill.Reader.ReadAllAsync(stoppingToken))
            {
                await FillAsync(language, stoppingToken);
                if (!_filled.Task.IsCompleted && PooledLanguages.All(l => Count(l) >= _o.Size))
                {
                    _filled.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _filled.TrySetResult();
            await DrainAsync();
        }
    }

    private async Task RecycleLoopAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                foreach (var language in PooledLanguages)
                {
                    _refill.Writer.TryWrite(language);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private int _creatingTotal;

    /// Starts as many creations as the language lacks, within FillConcurrency; each one re-signals when done.
    private Task FillAsync(RunLanguage language, CancellationToken ct)
    {
        var q = _ready[language];
        while (!ct.IsCancellationRequested
            && q.Count + _creating.GetValueOrDefault(language) < _o.Size
            && Volatile.Read(ref _creatingTotal) < _o.FillConcurrency)
        {
            _creating.AddOrUpdate(language, 1, (_, n) => n + 1);
            Interlocked.Increment(ref _creatingTotal);
            var task = CreateOneAsync(language, q, ct);
            _inFlight.TryAdd(task, 0);
            _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
        return Task.CompletedTask;
    }

    private async Task CreateOneAsync(RunLanguage language, ConcurrentQueue<SandboxContainer> q, CancellationToken ct)
    {
        var ok = false;
        SandboxContainer? c = null;
        try
        {
            // Not cancelled half-way: a create cancelled mid-request could leave a container we never learn of.
            c = await factory.CreateStartedAsync(language, pooled: true, CancellationToken.None);
            if (await c.WaitReadyAsync(TimeSpan.FromSeconds(_o.ReadyTimeoutSeconds), ct) && !ct.IsCancellationRequested)
            {
                q.Enqueue(c);
                ok = true;
            }
            else if (!ct.IsCancellationRequested)
            {
                PoolLog.NotReady(logger, c.Id);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            PoolLog.CreateFailed(logger, language.ToString(), e);
        }
        finally
        {
            if (!ok && c is not null)
            {
                await c.DisposeAsync();
            }
            _creating.AddOrUpdate(language, 0, (_, n) => n - 1);
            Interlocked.Decrement(ref _creatingTotal);
            // Keep filling after a success; after a failure wait for the next take or recycle tick (no hot loop
            // on a broken image), but let other languages use the freed creation slot.
            foreach (var l in PooledLanguages)
            {
                if (ok || l != language)
                {
                    _refill.Writer.TryWrite(l);
                }
            }
        }
    }

    private async Task DrainAsync()
    {
        // Creations still in flight finish first (they see the stop and remove their container, or enqueue it).
        await Task.WhenAll(_inFlight.Keys).ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var q in _ready.Values)
        {
            while (q.TryDequeue(out var c))
            {
                await c.DisposeAsync();
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DrainAsync();
    }
}

internal static partial class PoolLog
{
    [LoggerMessage(2000, LogLevel.Warning, "Creating a warm {Language} sandbox failed")]
    public static partial void CreateFailed(ILogger logger, string language, Exception exception);

    [LoggerMessage(2001, LogLevel.Warning, "Warm sandbox {ContainerId} did not become ready; discarded")]
    public static partial void NotReady(ILogger logger, string containerId);
}
