using LearningPlatform.Hub.Features.Workbench;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>Waits for the Hub's write-through of a session to reach the document store, instead of sleeping past it.</summary>
internal static class SessionSaves
{
    public static async Task UntilSavedAsync(this PlatformFixture.HubFactory hub, string sessionId, long version)
    {
        var backups = hub.Services.GetRequiredService<SessionBackups>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await backups.RestoreAsync(sessionId, null, null, CancellationToken.None) is not { } saved || saved.Version < version)
        {
            Assert.True(DateTime.UtcNow < deadline, $"session {sessionId} was not saved at version {version} within 20 s");
            await Task.Delay(50);
        }
    }
}
