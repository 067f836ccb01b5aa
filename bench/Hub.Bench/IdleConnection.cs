using System.Net.WebSockets;
using System.Text;

namespace Hub.Bench;

/// <summary>
/// An idle learner as the server sees one: an authenticated WebSocket that speaks the SignalR JSON protocol (the
/// handshake, then a ping every <see cref="PingInterval"/> so the server keeps it, and reads the server's pings), but
/// without the .NET client's per-connection machinery. Thousands of these cost the load machine little CPU, so the
/// typing connections (real <c>HubConnection</c>s) are measured on a machine that is not busy with the idle ones.
/// </summary>
internal sealed class IdleConnection : IAsyncDisposable
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler());

    private readonly ClientWebSocket socket = new();
    private readonly byte[] buffer = new byte[256];
    private Task reading = Task.CompletedTask;

    /// <param name="read">false leaves the server's pings in the socket's receive buffer (11 bytes per interval): the
    /// server's work is the same, but this machine does not spend CPU that real clients spend on their own machines.</param>
    public static async Task<IdleConnection> ConnectAsync(Uri hub, string token, bool read, CancellationToken cancellationToken)
    {
        var connection = new IdleConnection();
        try
        {
            var uri = new UriBuilder(hub) { Scheme = hub.Scheme == "https" ? "wss" : "ws", Query = $"access_token={Uri.EscapeDataString(token)}" }.Uri;
            await connection.socket.ConnectAsync(uri, Invoker, cancellationToken);
            await connection.socket.SendAsync(Handshake, WebSocketMessageType.Text, true, cancellationToken);
            var answer = await connection.socket.ReceiveAsync(connection.buffer, cancellationToken);
            var text = Encoding.UTF8.GetString(connection.buffer, 0, answer.Count);
            if (text != "{}\u001e")
            {
                throw new InvalidOperationException($"handshake refused: {text}");
            }

            if (read)
            {
                connection.reading = connection.ReadAsync();
            }
            return connection;
        }
        catch
        {
            connection.socket.Dispose();
            throw;
        }
    }

    public bool IsOpen => socket.State == WebSocketState.Open;

    /// <summary>One ping; the caller spreads them over <see cref="PingInterval"/> across all connections.</summary>
    public Task PingAsync() => IsOpen ? socket.SendAsync(Ping, WebSocketMessageType.Text, true, CancellationToken.None) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (IsOpen)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }

            await reading.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    // Server pings (and nothing else for an idle learner) are read and dropped until the server closes.
    private async Task ReadAsync()
    {
        try
        {
            while ((await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (WebSocketException)
        {
        }
    }
}
