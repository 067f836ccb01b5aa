using LearningPlatform.Services.Tests;
using Microsoft.Playwright;
using static LearningPlatform.Hub.Tests.Web.BrowserFlows;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>Sign-in, registration and what the nav offers by role.</summary>
public sealed partial class WorkbenchBrowserTests
{
    [Fact]
    public async Task An_admin_opens_the_jobs_dashboard_from_the_nav_and_a_learner_has_no_link()
    {
        await using var admin = await _browser.NewPageAsync(BaseUrl);
        var page = admin.Page;
        await SignInAsync(page, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync(),
            r => r.Request.IsNavigationRequest && new Uri(r.Url).AbsolutePath == "/jobs");
        Assert.Equal(200, response.Status);
        // The response comes before the new page is in the tab (its title meanwhile is Chromium's "Loading …"): wait for
        // the dashboard's own content first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Recurring Jobs" }).First.WaitForAsync();
        Assert.Contains("Learning Platform jobs", await page.TitleAsync(), StringComparison.Ordinal); // the dashboard's title
        Assert.Contains("hangfire", await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);

        await using var learner = await _browser.NewPageAsync(BaseUrl);
        await RegisterAsync(learner.Page);
        Assert.Equal(0, await learner.Page.Locator("#nav a[href='/jobs']").CountAsync());
        admin.AssertNoConsoleErrors();
        learner.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_servers_messages_appear_next_to_their_fields_and_only_the_rest_in_the_summary()
    {
        await using var visitor = await _browser.NewPageAsync(BaseUrl);
        var page = visitor.Page;
        await page.GotoAsync("/signin");
        var register = page.Locator("#register-form");

        // A bad email and a short password: each field says what is wrong with it.
        await page.GetByLabel("Display name").FillAsync("Field Tester");
        await page.Locator("#register-email").FillAsync("not-an-email");
        await page.Locator("#register-password").FillAsync("short1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.Locator("#register-email[aria-invalid='true']").WaitForAsync();
        Assert.Contains("not a valid address", await ErrorOfAsync(page, "#register-email"), StringComparison.Ordinal);
        Assert.Contains("Password must have at least", await ErrorOfAsync(page, "#register-password"), StringComparison.Ordinal);
        Assert.Null(await page.Locator("#register-name").GetAttributeAsync("aria-invalid"));
        Assert.Equal("", await ErrorOfAsync(page, "#register-name"));
        var summary = await register.Locator(".error-summary").InnerTextAsync();
        Assert.DoesNotContain("valid address", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("at least", summary, StringComparison.Ordinal);
        Assert.True(await page.Locator("#register-email").EvaluateAsync<bool>("e => e === document.activeElement"), "the first invalid field has the focus");

        // A taken email (a 409) is the email's problem too; fixed fields lose their marks.
        await page.Locator("#register-email").FillAsync(ServicesFixture.AdminEmail);
        await page.Locator("#register-password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.WaitForFunctionAsync("() => /already exists/.test(document.querySelector('#register-form [data-error-for=email]').textContent)");
        Assert.Null(await page.Locator("#register-password").GetAttributeAsync("aria-invalid"));
        Assert.Equal("", await ErrorOfAsync(page, "#register-password"));

        // Wrong credentials belong to no field: the sign-in form's summary says so, and no field is marked.
        await page.Locator("#signin-email").FillAsync($"nobody-{Guid.NewGuid():N}@example.test");
        await page.Locator("#signin-password").FillAsync("Wrong-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("#signin-form .error-summary", new() { HasTextString = "Wrong email or password" }).WaitForAsync();
        Assert.Equal(0, await page.Locator("#signin-form [aria-invalid='true']").CountAsync());

        // An empty field is named by the server, next to it.
        await page.Locator("#signin-password").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("#signin-password[aria-invalid='true']").WaitForAsync();
        Assert.Contains("required", await ErrorOfAsync(page, "#signin-password"), StringComparison.Ordinal);
        visitor.AssertNoConsoleErrors(400, 401, 409);
    }

    /// <summary>The text of the error a control's aria-describedby points at (beside its hint).</summary>
    private static Task<string> ErrorOfAsync(IPage page, string selector) =>
        page.Locator(selector).EvaluateAsync<string>(
            "e => (e.getAttribute('aria-describedby') ?? '').split(' ').map(id => document.getElementById(id)).filter(d => d?.classList.contains('field-error')).map(d => d.textContent).join(' ')");
}
