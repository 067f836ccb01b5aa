using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace SandboxHarness;

/// The report channel (fd 3): one JSON object per line, each prefixed with the run's nonce once it is known.
internal static class Reports
{
    private static readonly Stream Results = new FileStream(new SafeFileHandle(3, ownsHandle: false), FileAccess.Write, 1);

    // The run's report nonce (see supervisor.py): every report line after `ready` starts with it.
    private static string _nonce = "";

    /// The work dir with the run's files: /work in the sandbox, elsewhere for tests of the harness itself.
    public static string WorkDir { get; } = Environment.GetEnvironmentVariable("SANDBOX_WORK") is { Length: > 0 } w ? w : "/work";

    public static void SetNonce(string nonce) => _nonce = nonce;

    public static void Send(Action<Utf8JsonWriter> body) => Write(Line(body));

    /// Builds a report line without sending it (also used to warm up the writer).
    public static MemoryStream Line(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        if (_nonce.Length > 0)
        {
            buffer.Write(Encoding.ASCII.GetBytes(_nonce + " "));
        }
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer;
    }

    private static void Write(MemoryStream buffer)
    {
        try
        {
            Results.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            Results.Flush();
        }
        catch (IOException)
        {
            // fd 3 closed by the submission: what remains counts as not run.
        }
    }

    public static string Clip(string s, int n) => s.Length <= n ? s : string.Concat(s.AsSpan(0, n - 1), "…");
}
