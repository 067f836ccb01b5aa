using Microsoft.Playwright;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>What the browser tests do on the way to what they test: register, sign in, wait for the workbench.</summary>
public static class BrowserFlows
{
    public const string Password = "Correct-horse-42";

    private const float Long = 90_000;

    public static async Task RegisterAsync(IPage page, string displayName = "Browser Learner")
    {
        await page.GotoAsync("/");
        await page.GetByLabel("Display name").FillAsync(displayName);
        await page.Locator("#register-email").FillAsync($"web-{Guid.NewGuid():N}@example.test");
        await page.Locator("#register-password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Courses" }).WaitForAsync();
    }

    public static async Task SignInAsync(IPage page, string email, string password = Password)
    {
        await page.GotoAsync("/signin");
        await page.Locator("#signin-email").FillAsync(email);
        await page.Locator("#signin-password").FillAsync(password);
        await page.Keyboard.PressAsync("Enter"); // the form submits from the keyboard
        await page.GetByRole(AriaRole.Heading, new() { Name = "Courses" }).WaitForAsync();
    }

    public static async Task WaitForWorkbenchAsync(IPage page)
    {
        await page.Locator(".workbench[data-ready='true'] #editor .view-lines").WaitForAsync(new() { Timeout = Long });
        await page.Locator("#connection[data-state='connected']").WaitForAsync(new() { Timeout = Long });
    }
}
