using LearningPlatform.ServiceDefaults.Errors;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Imports;

/// <summary>
/// Runs accepted imports one at a time: woken when one is accepted, and every <see cref="ImportsOptions.PollInterval"/>
/// it looks for running imports whose lease has ended (accepted before a crash, or held by a process that died) and
/// takes them over. Taking one over is a versioned write, so of several Services processes only one runs it.
/// </summary>
public sealed class ImportWorker(
    ImportStore store, IServiceScopeFactory scopes, IOptions<ImportsOptions> options, TimeProvider time, ILogger<ImportWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);

    public void Wake() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ClaimNextAsync(stoppingToken) is { } import)
                {
                    await RunAsync(import, stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && IsOutage(e))
            {
                // The store is unavailable: the next poll tries again.
                ImportsLog.Interrupted(logger, "-", e.Message);
            }

            await ((Task)_wake.WaitAsync(options.Value.PollInterval, stoppingToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static bool IsOutage(Exception e) => e is StorageException or TimeoutException or IOException || DependencyUnavailableHandler.IsOutage(e);

    private async Task<Import?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var running = await store.Imports.FindAsync(i => i.Status == ImportStatuses.Running, new FindOptions<Import> { SortBy = i => i.StartedAt }, cancellationToken);
        foreach (var import in running.Where(i => i.LeaseUntil <= now))
        {
            var takeover = import.Exercises.Count > 0;
            import.LeaseUntil = now + options.Value.LeaseDuration;
            try
            {
                await store.Imports.ReplaceAsync(import, cancellationToken);
            }
            catch (ConcurrencyException)
            {
                continue; // another worker claimed it first
            }

            if (takeover)
            {
                ImportsLog.TakenOver(logger, import.Id);
            }

            return import;
        }

        return null;
    }

    private async Task RunAsync(Import import, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<TrackImporter>().RunAsync(import, stoppingToken);
        }
        catch (Exception e) when (e is ImportLeaseLostException || (e is OperationCanceledException && stoppingToken.IsCancellationRequested))
        {
            ImportsLog.Interrupted(logger, import.Id, e.Message);
        }
        catch (Exception e) when (IsOutage(e))
        {
            // An outage mid-import: the lease runs out and this or another worker continues it.
            ImportsLog.Interrupted(logger, import.Id, e.Message);
        }
    }
}
