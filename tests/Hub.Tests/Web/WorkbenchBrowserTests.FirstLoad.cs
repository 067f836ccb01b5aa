using System.Text.Json;
using Microsoft.Playwright;
using static LearningPlatform.Hub.Tests.Web.BrowserFlows;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>
/// What a first visit costs on the wire: Chromium's own count of the bytes it received (DevTools protocol,
/// <c>Network.loadingFinished</c>'s <c>encodedDataLength</c>: compressed bodies and headers) for the catalog and for
/// a workbench, each with an empty cache, everything included (page, bundle, font, API answers).
/// </summary>
public sealed partial class WorkbenchBrowserTests
{
    // The goals; losing compression (3.7 MB for a workbench) or pulling the editor into the catalog breaks them.
    private const long CatalogBudget = 300 * 1024;
    private const long WorkbenchBudget = 1200 * 1024;

    [Fact]
    public async Task First_loads_of_the_catalog_and_a_workbench_stay_within_their_budgets()
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;
        await RegisterAsync(page);
        var network = await NetworkMeter.StartAsync(page);

        // The signed-in catalog, as a returning learner opens it with an empty cache (the session from its cookie).
        await network.ClearCacheAsync();
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Courses" }).WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var catalog = network.Take();

        // An exercise opened directly, until the editor takes keys and the page is quiet. (Monaco starts its editor
        // worker, 75 KB more, only once it has work for it.)
        await network.ClearCacheAsync();
        await page.GotoAsync("/exercises/python-greet");
        await WaitForWorkbenchAsync(page);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var workbench = network.Take();

        var catalogBytes = catalog.Sum(r => r.Bytes);
        var workbenchBytes = workbench.Sum(r => r.Bytes);
        Report($"first load: catalog {catalogBytes / 1024} KB, workbench {workbenchBytes / 1024} KB (compressed, transferred)");
        // Uncompressed, the catalog (170 KB) would still be within its budget: every bundle file must come as Brotli.
        var bundle = catalog.Concat(workbench).Where(r => new Uri(r.Url).AbsolutePath.StartsWith("/dist/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bundle);
        Assert.All(bundle, r => Assert.Equal("br", r.Encoding));
        Assert.DoesNotContain(catalog.Concat(workbench), r => r.Url.EndsWith(".map", StringComparison.Ordinal));
        Assert.True(catalogBytes <= CatalogBudget, $"catalog {catalogBytes} bytes > {CatalogBudget}: {Largest(catalog)}");
        Assert.True(workbenchBytes <= WorkbenchBudget, $"workbench {workbenchBytes} bytes > {WorkbenchBudget}: {Largest(workbench)}");
        learner.AssertNoConsoleErrors();
    }

    /// <summary>What to look at when a load is over its budget.</summary>
    private static string Largest(List<Transfer> load) =>
        string.Join(", ", load.OrderByDescending(r => r.Bytes).Take(8).Select(r => $"{r.Url} {r.Bytes / 1024} KB ({r.Encoding})"));

    private sealed record Transfer(string Url, string Encoding, long Bytes);

    /// <summary>Counts what the page receives, per finished request, through a DevTools session of its own.</summary>
    private sealed class NetworkMeter
    {
        private readonly ICDPSession _session;
        private readonly Lock _lock = new();
        private readonly Dictionary<string, (string Url, string Encoding)> _responses = [];
        private List<Transfer> _finished = [];

        private NetworkMeter(ICDPSession session)
        {
            _session = session;
            session.Event("Network.responseReceived").OnEvent += (_, e) =>
            {
                var response = e!.Value.GetProperty("response");
                var encoding = response.GetProperty("headers").EnumerateObject()
                    .FirstOrDefault(h => h.Name.Equals("content-encoding", StringComparison.OrdinalIgnoreCase)).Value;
                lock (_lock)
                {
                    _responses[e.Value.GetProperty("requestId").GetString()!] =
                        (response.GetProperty("url").GetString()!, encoding.ValueKind == JsonValueKind.String ? encoding.GetString()! : "-");
                }
            };
            session.Event("Network.loadingFinished").OnEvent += (_, e) =>
            {
                var id = e!.Value.GetProperty("requestId").GetString()!;
                lock (_lock)
                {
                    var (url, encoding) = _responses.GetValueOrDefault(id, ("?", "-"));
                    _finished.Add(new Transfer(url, encoding, (long)e.Value.GetProperty("encodedDataLength").GetDouble()));
                }
            };
        }

        public static async Task<NetworkMeter> StartAsync(IPage page)
        {
            var session = await page.Context.NewCDPSessionAsync(page);
            var meter = new NetworkMeter(session);
            await session.SendAsync("Network.enable");
            return meter;
        }

        public async Task ClearCacheAsync()
        {
            await _session.SendAsync("Network.clearBrowserCache");
            Take();
        }

        /// <summary>What finished since the last call.</summary>
        public List<Transfer> Take()
        {
            lock (_lock)
            {
                var finished = _finished;
                _finished = [];
                return finished;
            }
        }
    }
}
