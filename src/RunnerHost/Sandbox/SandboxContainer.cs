using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Sandbox;

/// One created, attached and started sandbox container, used for exactly one run and then removed.
internal sealed class SandboxContainer(IDockerClient docker, string id, RunLanguage language, bool pooled, ILogger logger) : IAsyncDisposable
{
    private MultiplexedStream? _stream;
    private int _disposed;

    public string Id => id;
    public RunLanguage Language => language;
    public bool Pooled => pooled;
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

    private bool _ready;

    internal void Attach(MultiplexedStream stream) => _stream = stream;

    /// Waits for the supervisor's "ready" line: the worker has loaded its test framework. Pools only hand out
    /// containers that passed this. Returns false when the container ended or the timeout passed first.
    public async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var stream = _stream ?? throw new InvalidOperationException("not attached");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        await using var onTimeout = cts.Token.Register(() => _ = KillQuietlyAsync());
        var one = new byte[1];
        var line = new List<byte>();
        try
        {
            while (true)
            {
                // Byte by byte: the supervisor writes nothing after "ready" until it has a run, so nothing is lost.
                var read = await stream.ReadOutputAsync(one, 0, 1, cts.Token);
                if (read.EOF)
                {
                    return false;
                }
                if (read.Target != MultiplexedStream.TargetStream.StandardOut)
                {
                    continue;
                }
                if (one[0] == (byte)'\n')
                {
                    _ready = line.Count == 5 && Encoding.ASCII.GetString(line.ToArray()) == "ready";
                    return _ready;
                }
                line.Add(one[0]);
                if (line.Count > 16)
                {
                    return false;
                }
            }
        }
        catch (Exception) when (cts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// Hands the run to the supervisor (key first, then the run) and reads its signed frames until the final `exit`
    /// frame, the hard deadline, the read cap, or the stream's end. Frames that fail the HMAC check are dropped.
    public async Task<SandboxSession> RunAsync(byte[] key, byte[] runJson, TimeSpan hardTimeout, long readLimit,
        Func<JsonElement, ValueTask> onFrame, CancellationToken ct)
    {
        var stream = _stream ?? throw new InvalidOperationException("not attached");
        var session = new SandboxSession();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(hardTimeout);
        // Reading an attach stream does not observe cancellation reliably; killing the container ends it.
        await using var onDeadline = deadline.Token.Register(() => _ = KillQuietlyAsync());

        var header = Encoding.ASCII.GetBytes(Convert.ToHexString(key) + "\n");
        var payload = new byte[header.Length + runJson.Length + 1];
        header.CopyTo(payload, 0);
        runJson.CopyTo(payload, header.Length);
        payload[^1] = (byte)'\n';
        try
        {
            await stream.WriteAsync(payload, 0, payload.Length, deadline.Token);
        }
        catch (Exception) when (deadline.IsCancellationRequested)
        {
            session.HostTimedOut = !ct.IsCancellationRequested;
            return session;
        }

        using var hmac = new HMACSHA256(key);
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        var stderr = new StringBuilder();
        long total = 0;
        long expectedSeq = 1;
        try
        {
            while (!session.Exited)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, deadline.Token);
                if (read.EOF)
                {
                    break;
                }
                total += read.Count;
                if (total > readLimit)
                {
                    session.HostReadLimitExceeded = true;
                    break;
                }
                if (read.Target == MultiplexedStream.TargetStream.StandardError)
                {
                    if (stderr.Length < 8192)
                    {
                        stderr.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
                    }
                    continue;
                }
                var start = 0;
                for (var i = 0; i < read.Count; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        continue;
                    }
                    line.Write(buffer, start, i - start);
                    start = i + 1;
                    if (!_ready && line.Length == 5 && line.GetBuffer().AsSpan(0, 5).SequenceEqual("ready"u8))
                    {
                        _ready = true;
                        line.SetLength(0);
                        continue;
                    }
                    var frame = Verify(hmac, line.GetBuffer().AsSpan(0, (int)line.Length), ref expectedSeq);
                    line.SetLength(0);
                    if (frame is not { } f)
                    {
                        session.ForgedFrames++;
                        continue;
                    }
                    if (f.GetProperty("type").GetString() == "exit")
                    {
                        session.Exited = true;
                    }
                    await onFrame(f);
                }
                line.Write(buffer, start, read.Count - start);
                if (line.Length > readLimit)
                {
                    session.HostReadLimitExceeded = true;
                    break;
                }
            }
        }
        catch (Exception) when (deadline.IsCancellationRequested)
        {
            // Deadline: fall through and report it.
        }
        catch (IOException)
        {
            // Stream torn down (container killed or removed): whatever arrived is what we have.
        }
        session.HostTimedOut = deadline.IsCancellationRequested && !ct.IsCancellationRequested && !session.Exited;
        session.Stderr = stderr.ToString();
        if (session.ForgedFrames > 0)
        {
            SandboxLog.ForgedFrames(logger, session.ForgedFrames, id);
        }
        if (session.Stderr.Length > 0)
        {
            SandboxLog.SupervisorStderr(logger, id, session.Stderr);
        }
        ct.ThrowIfCancellationRequested();
        return session;
    }

    internal static JsonElement? Verify(HMACSHA256 hmac, ReadOnlySpan<byte> line, ref long expectedSeq)
    {
        // "<64 hex chars of HMAC-SHA256(key, json)> <json>"
        if (line.Length < 66 || line[64] != (byte)' ')
        {
            return null;
        }
        Span<byte> mac = stackalloc byte[32];
        if (Convert.FromHexString(Encoding.ASCII.GetString(line[..64]), mac, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return null;
        }
        var body = line[65..];
        Span<byte> actual = stackalloc byte[32];
        if (!hmac.TryComputeHash(body, actual, out _) || !CryptographicOperations.FixedTimeEquals(mac, actual))
        {
            return null;
        }
        JsonElement element;
        try
        {
            element = JsonDocument.Parse(body.ToArray()).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
        // Frames are numbered 1, 2, 3...: a replayed or reordered frame is dropped even if signed.
        if (!element.TryGetProperty("seq", out var seq) || seq.ValueKind != JsonValueKind.Number || seq.GetInt64() != expectedSeq
            || !element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        expectedSeq++;
        return element;
    }

    private async Task KillQuietlyAsync()
    {
        try
        {
            await docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, CancellationToken.None);
        }
        catch (DockerApiException)
        {
            // Already gone.
        }
        catch (HttpRequestException)
        {
        }
        _stream?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _stream?.Dispose();
        try
        {
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (Exception e)
        {
            SandboxLog.RemoveFailed(logger, id, e);
        }
    }
}

/// What the host saw of one run in a sandbox.
internal sealed class SandboxSession
{
    public bool Exited { get; set; }
    public bool HostTimedOut { get; set; }
    public bool HostReadLimitExceeded { get; set; }
    public int ForgedFrames { get; set; }
    public string Stderr { get; set; } = "";
}
