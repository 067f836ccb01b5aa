using LearningPlatform.ServiceDefaults.Auth;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Users;

/// <summary>
/// Keeps Redis's cache of token generations whole: at start, and whenever the cache's marker is gone (Redis emptied or
/// replaced), loads every raised generation from the users' store. Until then every process answers 503 instead of
/// trusting a token it cannot check.
/// </summary>
public sealed partial class RevocationLoader(UserCollections collections, TokenRevocation revocation, IOptions<LoginOptions> options, ILogger<RevocationLoader> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the host serves: a fresh start answers requests with the cache loaded, not with 503s.
        try
        {
            await EnsureLoadedAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Log.Failed(logger, e);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await EnsureLoadedAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.Failed(logger, e); // Redis down: the next tick tries again
            }
        }
    }

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (await revocation.IsLoadedAsync())
        {
            return;
        }

        var raised = await collections.Users.FindAsync(u => u.TokenGeneration > 0, cancellationToken: cancellationToken);
        await revocation.LoadAsync(raised.Select(u => (u.Id, u.TokenGeneration)));
        Log.Loaded(logger, raised.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Token generations loaded into Redis from the users' store ({Count} raised)")]
        public static partial void Loaded(ILogger logger, int count);

        [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "Could not check or load the token generations; trying again")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
