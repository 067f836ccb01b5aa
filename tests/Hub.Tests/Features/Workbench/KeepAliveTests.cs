using System.Net.WebSockets;
using System.Text;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Workbench;
using Microsoft.AspNetCore.SignalR.Client;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>
/// SignalR's own keep-alive is off on the workbench hub; the <see cref="KeepAlivePacer"/> pings instead. An idle
/// connection must still hear from the server once per interval, or clients would time out.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class KeepAliveTests(WorkbenchFixture fixture)
{
    [Fact]
    public async Task An_idle_connection_is_pinged_once_per_KeepAliveInterval()
    {
        using var hub = fixture.Platform.NewHub(new() { ["Workbench:KeepAliveInterval"] = "00:00:01", ["Diagnostics:WarmUpOnStart"] = "false" });
        var address = new Uri(PlatformFixture.Address(hub.Services) + WorkbenchFeature.Path);
        var token = WorkbenchFixture.NewLearnerToken(out _);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(address) { Scheme = "ws", Query = "access_token=" + Uri.EscapeDataString(token) }.Uri, CancellationToken.None);
        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        // Read for 3.5 s: the handshake answer, then only pings (nothing else is sent to a connection that asks nothing).
        var received = new StringBuilder();
        var buffer = new byte[1024];
        using var listening = new CancellationTokenSource(TimeSpan.FromSeconds(3.5));
        try
        {
            while (true)
            {
                var frame = await socket.ReceiveAsync(buffer, listening.Token);
                received.Append(Encoding.UTF8.GetString(buffer, 0, frame.Count));
            }
        }
        catch (OperationCanceledException)
        {
        }

        var messages = received.ToString().Split('\u001e', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("{}", messages[0]);
        var pings = messages.Skip(1).ToArray();
        Assert.All(pings, m => Assert.Equal("{\"type\":6}", m));
        Assert.InRange(pings.Length, 2, 5); // about one a second; SignalR's own keep-alive would send none in 3.5 s
    }

    [Fact]
    public async Task A_client_with_a_short_server_timeout_stays_connected_while_idle()
    {
        using var hub = fixture.Platform.NewHub(new() { ["Workbench:KeepAliveInterval"] = "00:00:01", ["Diagnostics:WarmUpOnStart"] = "false" });
        var connection = fixture.Build(WorkbenchFixture.NewLearnerToken(out _), hub);
        connection.ServerTimeout = TimeSpan.FromSeconds(3);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        await using (connection)
        {
            await connection.StartAsync();

            var idle = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(7)));

            Assert.NotSame(closed.Task, idle);
            Assert.Equal(HubConnectionState.Connected, connection.State);
            Assert.Equal(fixture.ExerciseId, (await connection.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId)).ExerciseId);
        }
    }
}
