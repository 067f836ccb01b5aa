using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Sends the hub's keep-alive pings evenly over time instead of in one burst a second.
/// </summary>
/// <remarks>
/// SignalR's own keep-alive checks every connection once a second and pings those whose interval has passed, so with
/// 15,000 connections about a thousand pings leave in the same instant every second; the edits that arrive behind
/// them on the thread pool wait tens of milliseconds (bench: acknowledgement p95 of a bare hub 3 ms at 1,000
/// connections, 31–74 ms at 15,000; 3.5–6.5 ms with the pings spread). SignalR's keep-alive is therefore switched off for
/// the workbench hub (<see cref="WorkbenchFeature"/>) and this pacer pings every connection once per
/// <see cref="WorkbenchOptions.KeepAliveInterval"/>, a small slice of them every <see cref="Tick"/>. Clients see the
/// same ping rate as before, so their server timeouts (30 s by default, twice the interval) hold.
/// </remarks>
public sealed class KeepAlivePacer(IOptions<WorkbenchOptions> options, ILogger<KeepAlivePacer> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly Lock gate = new();
    private readonly List<Entry> connections = [];
    private readonly TimeSpan interval = options.Value.KeepAliveInterval;
    private int cursor;
    private double owed; // pings due but not yet sent (the fractional part carries to the next tick)

    public void Add(HubConnectionContext connection)
    {
        lock (gate)
        {
            var entry = new Entry(connection) { Index = connections.Count };
            connections.Add(entry);
            connection.Items[typeof(KeepAlivePacer)] = entry;
        }
    }

    public void Remove(HubConnectionContext connection)
    {
        if (!connection.Items.TryGetValue(typeof(KeepAlivePacer), out var value) || value is not Entry entry)
        {
            return;
        }

        lock (gate)
        {
            if (entry.Index < 0)
            {
                return;
            }

            // Swap with the last one: O(1), and the order only decides who is pinged when within an interval.
            var last = connections[^1];
            connections[entry.Index] = last;
            last.Index = entry.Index;
            connections.RemoveAt(connections.Count - 1);
            entry.Index = -1;
        }
    }

    /// <summary>Pings the next share of connections: all of them once per interval.</summary>
    public void PingDue()
    {
        Entry[] due;
        lock (gate)
        {
            owed += connections.Count * Tick.TotalMilliseconds / interval.TotalMilliseconds;
            var count = Math.Min((int)owed, connections.Count);
            owed -= count;
            due = new Entry[count];
            for (var i = 0; i < count; i++)
            {
                cursor = cursor < connections.Count ? cursor : 0;
                due[i] = connections[cursor++];
            }
        }

        foreach (var entry in due)
        {
            entry.Ping(logger);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                PingDue();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private sealed class Entry(HubConnectionContext connection)
    {
        private Task pending = Task.CompletedTask;

        public int Index { get; set; }

        public void Ping(ILogger logger)
        {
            // A ping still being written means the client is not reading: a second one would only queue behind it
            // (SignalR's own keep-alive skips a connection that is being written to, too).
            if (!pending.IsCompleted)
            {
                return;
            }

            try
            {
                var write = connection.WriteAsync(PingMessage.Instance);
                pending = write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                WorkbenchLog.PingFailed(logger, connection.ConnectionId, e);
            }
        }
    }
}
