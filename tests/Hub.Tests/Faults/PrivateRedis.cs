using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LearningPlatform.Hub.Tests.Faults;

/// <summary>
/// A redis-server of a fault test's own (a free port, a temp folder, the append-only file fsynced every second, as
/// scripts/infra.sh starts the platform's), which the test may kill, restart and empty without touching anyone else's.
/// </summary>
public sealed class PrivateRedis : IDisposable
{
    private Process? _process;

    public PrivateRedis()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Start();
    }

    public int Port { get; }

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "lp-fault-redis-" + Guid.NewGuid().ToString("N"));

    public string Configuration => $"127.0.0.1:{Port},connectTimeout=1000,syncTimeout=2000,asyncTimeout=2000";

    public void Start()
    {
        System.IO.Directory.CreateDirectory(Directory);
        _process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
             "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--logfile", Path.Combine(Directory, "redis.log")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!Answers())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the private redis-server did not answer");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>kill -9: what a crash does; the append-only file keeps what was fsynced.</summary>
    public void Kill()
    {
        _process?.Kill();
        _process?.WaitForExit();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>A new, empty instance: the data is gone.</summary>
    public void Empty()
    {
        Kill();
        System.IO.Directory.Delete(Directory, recursive: true);
        Start();
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var n = stream.Read(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
