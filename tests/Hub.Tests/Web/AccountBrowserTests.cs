using LearningPlatform.Hub.Tests.EndToEnd;
using LearningPlatform.Services.Tests;
using Microsoft.Playwright;
using static LearningPlatform.Hub.Tests.Web.BrowserFlows;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>Sign-in, registration and what the nav offers by role, in headless Chromium against the real platform.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class AccountBrowserTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private Browser _browser = null!;

    private string BaseUrl => PlatformFixture.Address(fixture.Platform.Hub.Services);

    public async Task InitializeAsync() => _browser = await Browser.LaunchAsync();

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task An_admin_opens_the_jobs_dashboard_from_the_nav_and_a_learner_has_no_link()
    {
        await using var admin = await _browser.NewPageAsync(BaseUrl);
        var page = admin.Page;
        await SignInAsync(page, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync(),
            r => r.Request.IsNavigationRequest && new Uri(r.Url).AbsolutePath == "/jobs");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);

        Assert.Equal(200, response.Status);
        Assert.Contains("Learning Platform jobs", await page.TitleAsync(), StringComparison.Ordinal); // the dashboard's title
        Assert.Contains("hangfire", await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        await page.GetByRole(AriaRole.Link, new() { Name = "Recurring Jobs" }).First.WaitForAsync();

        await using var learner = await _browser.NewPageAsync(BaseUrl);
        await RegisterAsync(learner.Page);
        Assert.Equal(0, await learner.Page.Locator("#nav a[href='/jobs']").CountAsync());
        admin.AssertNoConsoleErrors();
        learner.AssertNoConsoleErrors();
    }
}
