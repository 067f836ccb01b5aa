using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace FaultCampaign;

/// <summary>One REST answer: the status (0 when nothing answered: refused, reset or timed out) and the body.</summary>
public sealed record Reply(int Status, string Body, bool RetryAfter)
{
    public bool Ok => Status is >= 200 and < 300;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// The learners' REST calls through the Hub's gateway. Every answer is counted by the campaign phase it came in
/// (warm-up, a fault's window, the final checks) and its status; 0 = no answer.
/// </summary>
public sealed class Rest : IDisposable
{
    private readonly HttpClient _http;

    public Rest(Uri hub)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            MaxConnectionsPerServer = 64,
        })
        {
            BaseAddress = hub,
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    /// <summary>(phase, status) → answers; status 0 is "no answer".</summary>
    public ConcurrentDictionary<(string Phase, int Status), int> Codes { get; } = new();

    /// <summary>Phases in which a 503 came without Retry-After.</summary>
    public ConcurrentDictionary<string, int> MissingRetryAfter { get; } = new();

    /// <summary>A few bodies of 5xx answers other than 503, per phase, as evidence.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> ServerErrorSamples { get; } = new();

    public Task<Reply> GetAsync(string path, string? token, bool count = true) => SendAsync(HttpMethod.Get, path, token, null, count);

    public Task<Reply> PostAsync(string path, string? token, object? body, bool count = true) => SendAsync(HttpMethod.Post, path, token, body, count);

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? token, object? body, bool count = true)
    {
        var phase = Campaign.Phase;
        Reply reply;
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            using var response = await _http.SendAsync(request);
            reply = new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter is not null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            reply = new Reply(0, e.Message, false);
        }

        if (count)
        {
            Codes.AddOrUpdate((phase, reply.Status), 1, (_, n) => n + 1);
            if (reply.Status == 503 && !reply.RetryAfter)
            {
                MissingRetryAfter.AddOrUpdate(phase, 1, (_, n) => n + 1);
            }

            if (reply.Status is >= 500 and not 503)
            {
                var samples = ServerErrorSamples.GetOrAdd(phase, _ => new ConcurrentQueue<string>());
                if (samples.Count < 5)
                {
                    samples.Enqueue($"{DateTime.Now:HH:mm:ss.fff} {method} {path} -> {reply.Status} {Shorten(reply.Body)}");
                }
            }
        }

        return reply;
    }

    /// <summary>Reads a Server-Sent Events stream until an event of <paramref name="type"/> (true) or its end or the timeout (false).</summary>
    public async Task<bool> WaitForEventAsync(string path, string token, string type, TimeSpan timeout)
    {
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line == "event: " + type)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
        }

        return false;
    }

    public static string Shorten(string text) => text.Length <= 300 ? text.ReplaceLineEndings(" ") : text[..300].ReplaceLineEndings(" ") + "…";

    public void Dispose() => _http.Dispose();
}
