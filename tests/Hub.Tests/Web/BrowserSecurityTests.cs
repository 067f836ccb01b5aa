using System.Net;
using System.Net.Http.Json;
using LearningPlatform.Hub.Tests.EndToEnd;
using Microsoft.Playwright;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>
/// The browser client as an attacker's injected markup meets it: the Content Security Policy is on and refuses inline
/// script and foreign styles (and the tests notice every refusal), and no token is where a page script could read it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BrowserSecurityTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private Browser _browser = null!;

    private string BaseUrl => PlatformFixture.Address(fixture.Platform.Hub.Services);

    public async Task InitializeAsync() => _browser = await Browser.LaunchAsync();

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task Injected_script_and_styles_are_refused_and_every_refusal_is_a_console_error()
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;

        var response = await page.GotoAsync("/signin");
        Assert.Contains("script-src 'self'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        await page.Locator("#signin-email").WaitForAsync();
        Assert.Empty(learner.Errors); // the page itself runs under the policy without a complaint

        // What an author's Markdown might smuggle in if sanitizing ever failed.
        await page.EvaluateAsync("""
            () => {
              document.body.insertAdjacentHTML('beforeend', '<style>body { display: none }</style><img src="data:," onerror="window.__pwned = 1">');
              const script = document.createElement('script');
              script.textContent = 'window.__pwned = 2';
              document.body.append(script);
            }
            """);
        for (var waited = 0; learner.Errors.Count < 3 && waited < 50; waited++)
        {
            await Task.Delay(100);
        }

        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        Assert.Equal("block", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).display"));
        Assert.Contains(learner.Errors, e => e.Contains("CSP violation: style-src-elem", StringComparison.Ordinal));
        Assert.Contains(learner.Errors, e => e.Contains("CSP violation: script-src-elem", StringComparison.Ordinal));
        Assert.Contains(learner.Errors, e => e.Contains("CSP violation: script-src-attr", StringComparison.Ordinal));
        Assert.Throws<Xunit.Sdk.TrueException>(() => learner.AssertNoConsoleErrors());
    }

    [Fact]
    public async Task Tokens_stay_out_of_page_scripts_reach_and_sign_out_revokes_them_on_the_server()
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;
        await page.GotoAsync("/signin");
        await page.GetByLabel("Display name").FillAsync("Careful Learner");
        await page.Locator("#register-email").FillAsync($"web-{Guid.NewGuid():N}@example.test");
        await page.Locator("#register-password").FillAsync("Correct-horse-42");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Courses" }).WaitForAsync();

        // Nothing a script can read holds a token: not storage, not document.cookie.
        var storage = await page.EvaluateAsync<string>("() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie");
        Assert.DoesNotContain("eyJ", storage, StringComparison.Ordinal); // a JWT's header
        var cookie = await RefreshCookieAsync(learner.Context);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/api/auth/refresh", cookie.Path);
        Assert.DoesNotContain(cookie.Value, storage, StringComparison.Ordinal);

        // A reload keeps the session: the cookie gets a new access token (and is rotated).
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Courses" }).WaitForAsync();
        var current = (await RefreshCookieAsync(learner.Context)).Value;
        Assert.NotEqual(cookie.Value, current);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.Locator("#signin-email").WaitForAsync();

        // Revoked on the server, not merely forgotten: the last refresh token is refused even presented by hand.
        Assert.DoesNotContain(await learner.Context.CookiesAsync(), c => c.Name == "lp_refresh");
        using var replay = await fixture.Platform.Client().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = current });
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        learner.AssertNoConsoleErrors();
    }

    private static async Task<BrowserContextCookiesResult> RefreshCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).Single(c => c.Name == "lp_refresh");
}
