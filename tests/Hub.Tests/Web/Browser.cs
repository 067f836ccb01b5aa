using Microsoft.Playwright;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>
/// Headless Chromium from the system (Debian's <c>chromium</c>, installed by scripts/prereqs.sh) driven by Playwright;
/// no browser download. Each page records console errors and uncaught exceptions so a test can fail on them, Content
/// Security Policy violations among them (the Hub's policy is on, as in production: Playwright does not bypass it).
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private const string CspViolationsAsConsoleErrors = """
        document.addEventListener('securitypolicyviolation', e =>
          console.error(`CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || 'inline'} at ${e.sourceFile || '?'}:${e.lineNumber}`));
        """;

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Chromium = browser;
    }

    public IBrowser Chromium { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Args,
            Timeout = 60_000,
        });
        return new Browser(playwright, browser);
    }

    /// <summary>A fresh context (own storage, so its own sign-in) at 1280×800, or the given size, with one page.</summary>
    /// <param name="bypassCsp">Only for injecting a test tool (axe-core) into the page; the policy stays on otherwise.</param>
    public async Task<WebPage> NewPageAsync(string baseUrl, int width = 1280, int height = 800, ColorScheme colorScheme = ColorScheme.Light, bool bypassCsp = false)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = colorScheme,
            BypassCSP = bypassCsp,
        });
        context.SetDefaultTimeout(30_000);
        // Chromium reports a blocked script, style, connection or frame as a console error already; the event says
        // which directive refused what, in every document of the context, so a test fails on it with the reason.
        await context.AddInitScriptAsync(CspViolationsAsConsoleErrors);
        var page = await context.NewPageAsync();
        var result = new WebPage(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                result.Errors.Add($"console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => result.Errors.Add($"page error: {error}");
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}

public sealed class WebPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;

    public IPage Page { get; } = page;

    public List<string> Errors { get; } = [];

    /// <param name="expectedStatuses">HTTP statuses the test provokes on purpose (a refused save): Chromium logs every
    /// failed response as a console error, which is then no sign of a fault.</param>
    public void AssertNoConsoleErrors(params int[] expectedStatuses)
    {
        var unexpected = Errors.Where(e => !expectedStatuses.Any(s => e.Contains($"the server responded with a status of {s} ", StringComparison.Ordinal))).ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}

public static class Screenshots
{
    /// <summary>
    /// Into the test output folder; with LP_UPDATE_SCREENSHOTS=1 into docs/screenshots instead (the README shows
    /// those), so that an ordinary test run leaves the working tree clean.
    /// </summary>
    public static async Task TakeAsync(IPage page, string name, bool fullPage = false)
    {
        if (Environment.GetEnvironmentVariable("LP_UPDATE_SCREENSHOTS") != "1")
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png"), FullPage = fullPage });
            return;
        }

        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "LearningPlatform.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (dir is null)
        {
            return;
        }

        var folder = Path.Combine(dir, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = fullPage });
    }
}
