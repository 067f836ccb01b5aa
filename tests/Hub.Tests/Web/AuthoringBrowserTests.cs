using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearningPlatform.Hub.Tests.EndToEnd;
using LearningPlatform.Services.Tests;
using LearningPlatform.Tests.Shared;
using Microsoft.Playwright;
using static LearningPlatform.Hub.Tests.Web.BrowserFlows;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>
/// Authoring in the browser against the real Hub, Services and runner: an instructor makes a course and an exercise
/// (Markdown instructions with a preview that keeps scripts out, files, hidden checks), validates it in the sandbox,
/// publishes it; a learner works on it while it is edited; a stale edit is refused with a way to reload. The import
/// page is driven against the import API's contract. Every page fails the test on a console error.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AuthoringBrowserTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private const float Long = 90_000;

    private const string Instructions = """
        # Double it

        Complete `double(n)` in `double.py`:

        ```python
        double(2)  # 4
        ```

        <script>window.__xss = 'script'</script>
        <img src="data:," onerror="window.__xss = 'onerror'">
        [a link](javascript:window.__xss='link')
        """;

    private const string Starter = "def double(n):\n    raise NotImplementedError\n";
    private const string Solution = "def double(n):\n    return n * 2\n";
    private const string Tests = "from double import double\n\n\ndef test_two():\n    assert double(2) == 4\n";
    private const string MoreTests = Tests + "\n\ndef test_three():\n    assert double(3) == 6\n";

    private Browser _browser = null!;

    private string BaseUrl => PlatformFixture.Address(fixture.Platform.Hub.Services);

    public async Task InitializeAsync() => _browser = await Browser.LaunchAsync();

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task Instructor_writes_validates_and_publishes_an_exercise_that_a_learner_keeps_working_on_while_it_is_edited()
    {
        var email = await NewInstructorAsync();
        await using var author = await _browser.NewPageAsync(BaseUrl);
        var page = author.Page;
        await SignInAsync(page, email);

        // A new course: the server's field errors show next to their fields.
        await page.GetByRole(AriaRole.Link, new() { Name = "New course" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create course" }).ClickAsync();
        await Expect(page.Locator("[data-error-for='title']")).ToHaveTextAsync("Required.");
        await Expect(page.Locator("[data-error-for='languages']")).ToContainTextAsync("At least one language");
        Assert.Equal("true", await page.GetByLabel("Title", new() { Exact = true }).GetAttributeAsync("aria-invalid"));

        var title = "Authoring " + Guid.NewGuid().ToString("N")[..8];
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync(title);
        await page.GetByLabel("Summary").FillAsync("Made in the browser.");
        await page.GetByLabel("Python").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add concept" }).ClickAsync();
        await page.GetByLabel("Concept 1 name").FillAsync("Functions");
        Assert.Equal("functions", await page.GetByLabel("Concept 1 id").InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Add module" }).ClickAsync();
        await page.GetByLabel("Module 1 title").FillAsync("Extras");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add module" }).ClickAsync();
        await page.GetByLabel("Module 2 title").FillAsync("Basics");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move module Basics up" }).ClickAsync();
        await AssertEveryControlIsLabelledAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create course" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Course created" })).ToBeVisibleAsync();
        Assert.Equal(["basics", "extras"], await page.Locator("#modules > li").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.module)"));
        var courseId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await Screenshots.TakeAsync(page, "author-course", fullPage: true);

        // The exercise: Markdown instructions preview with a heading and a code block, and nothing executable.
        await page.GetByRole(AriaRole.Link, new() { Name = "New exercise in Basics" }).ClickAsync();
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("Double it");
        await page.GetByLabel("Instructions (Markdown)").FillAsync(Instructions);
        var preview = page.Locator("#instructions-preview");
        await Expect(preview.Locator("h1")).ToHaveTextAsync("Double it");
        await Expect(preview.Locator("pre code")).ToContainTextAsync("double(2)  # 4");
        await AssertNothingExecutableAsync(page, preview);

        await page.GetByLabel("Starter file 1 name").FillAsync("double.py");
        await page.GetByLabel("Starter file 1 content").FillAsync(Starter);
        await page.GetByLabel("Test file 1 name").FillAsync("test_double.py");
        await page.GetByLabel("Test file 1 content").FillAsync(Tests);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy the starter files into the solution" }).ClickAsync();
        Assert.Equal("double.py", await page.GetByLabel("Solution file 1 name").InputValueAsync());
        await page.GetByLabel("Solution file 1 content").FillAsync(Solution);

        // Hidden checks are JSON, read as they are typed: a mistake says where it is.
        var checks = page.GetByLabel("Hidden checks (JSON)");
        await checks.FillAsync("[\n  { \"call\": \"double.double\", \"args\": [-3] \"expected\": -6 }\n]");
        await Expect(page.Locator("[data-error-for='hiddenChecks']")).ToContainTextAsync("Not valid JSON at line 2");
        await checks.FillAsync("[{ \"call\": \"double.double\", \"args\": [-3], \"expect\": -6 }]");
        await Expect(page.Locator("[data-error-for='hiddenChecks']")).ToContainTextAsync("unknown field \"expect\"");
        await checks.FillAsync("[{ \"call\": \"double.double\", \"args\": [-3], \"expected\": -6, \"description\": \"a negative number\" }]");
        await Expect(page.Locator("[data-error-for='hiddenChecks']")).ToBeEmptyAsync();
        await Expect(page.Locator("#checks-count")).ToHaveTextAsync("1 hidden check: submits are graded.");
        // Generous limits: on a loaded machine the reference must not fail by timing out.
        await page.GetByLabel("Time limit (ms)").FillAsync("20000");
        await page.GetByLabel("Memory limit (MB)").FillAsync("256");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add hint" }).ClickAsync();
        await page.GetByLabel("Hint 1", new() { Exact = true }).FillAsync("Multiply by two.");
        await page.Locator("fieldset", new() { HasTextString = "Concepts taught" }).GetByLabel("Functions").CheckAsync();

        await AssertEveryControlIsLabelledAsync(page);

        // Validate: the reference passes each test and the check, the starter fails.
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        var reference = page.Locator("#trial-reference");
        await reference.WaitForAsync(new() { Timeout = Long });
        await Expect(reference).ToHaveAttributeAsync("data-verdict", "passed");
        await Expect(reference.Locator("li[data-test]")).ToHaveCountAsync(1);
        await Expect(reference.Locator("li[data-test*='test_two'][data-status='pass']")).ToHaveCountAsync(1);
        await Expect(reference.Locator("li[data-check='1'][data-status='pass']")).ToContainTextAsync("a negative number");
        var starter = page.Locator("#trial-starter");
        Assert.NotEqual("passed", await starter.GetAttributeAsync("data-verdict"));
        Assert.Equal("true", await starter.GetAttributeAsync("data-ok"));
        await Expect(starter.Locator("li[data-test*='test_two'][data-status='fail']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#trial [role=status]")).ToContainTextAsync("Ready to publish");
        await Screenshots.TakeAsync(page, "author-exercise-validated", fullPage: true);
        await AssertEveryControlIsLabelledAsync(page);

        // Publish.
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await ExpectSavedAsync(page, "Published");
        Assert.Matches("/author/exercises/[0-9a-f]{32}$", page.Url);
        var exerciseId = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        // A learner finds it on the course page and runs the starter: the instructions are rendered, scripts kept out.
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        await RegisterAsync(learner.Page);
        await learner.Page.GotoAsync($"/courses/{courseId}");
        await learner.Page.GetByRole(AriaRole.Link, new() { Name = "Double it" }).ClickAsync();
        await WaitForWorkbenchAsync(learner.Page);
        var learnerInstructions = learner.Page.Locator("#instructions-text");
        await Expect(learnerInstructions.Locator("h1")).ToHaveTextAsync("Double it");
        await Expect(learnerInstructions.Locator("pre code")).ToContainTextAsync("double(2)");
        await AssertNothingExecutableAsync(learner.Page, learnerInstructions);
        Assert.Equal(0, await learner.Page.GetByRole(AriaRole.Link, new() { Name = "Edit course" }).CountAsync());
        await RunAsync(learner.Page);
        Assert.NotEqual("passed", await learner.Page.Locator("#verdict").GetAttributeAsync("data-verdict"));

        // An admin opens the editor now (version 1) and will save last.
        await using var admin = await _browser.NewPageAsync(BaseUrl);
        await SignInAsync(admin.Page, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);
        await admin.Page.GotoAsync($"/author/exercises/{exerciseId}");
        await admin.Page.GetByLabel("Hint 1", new() { Exact = true }).FillAsync("Two times n.");

        // The instructor adds a test while the learner has the exercise open.
        await page.GetByLabel("Test file 1 content").FillAsync(MoreTests);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await ExpectSavedAsync(page, "Saved (version 2)");

        // The learner's session goes on: their code runs against the new version's tests.
        await learner.Page.EvaluateAsync("text => __lp.editor.getModel().setValue(text)", Solution);
        await RunAsync(learner.Page);
        await Expect(learner.Page.Locator("#verdict")).ToHaveAttributeAsync("data-verdict", "passed");
        await Expect(learner.Page.Locator("#test-list li", new() { HasTextString = "test_three" })).ToHaveCountAsync(1);

        // The admin's edit is based on version 1: refused, with the reason and a reload that brings version 2.
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        var conflict = admin.Page.Locator("#conflict");
        await Expect(conflict).ToBeVisibleAsync(new() { Timeout = Long });
        await Expect(conflict).ToContainTextAsync("Someone else changed this exercise since you opened it");
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Reload the exercise" }).ClickAsync();
        await Expect(admin.Page.GetByLabel("Test file 1 content")).ToHaveValueAsync(new Regex("def test_three"));
        await Expect(admin.Page.Locator("#conflict")).ToBeHiddenAsync();
        await admin.Page.GetByLabel("Hint 1", new() { Exact = true }).FillAsync("Two times n.");
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await ExpectSavedAsync(admin.Page, "Saved (version 3)");

        author.AssertNoConsoleErrors(400);
        learner.AssertNoConsoleErrors();
        admin.AssertNoConsoleErrors(409);
    }

    [Fact]
    public async Task Import_page_uploads_the_archive_and_follows_the_import_to_the_course()
    {
        var email = await NewInstructorAsync();
        using var instructor = fixture.Platform.Client(await TokenAsync(email, Password));
        var course = await (await instructor.PostAsJsonAsync("/api/courses", new
        {
            title = "Import target " + Guid.NewGuid().ToString("N")[..8], difficulty = "beginner", languages = new[] { "python" },
            modules = new[] { new { id = "imported", title = "Imported" } },
        })).Content.ReadFromJsonAsync<JsonElement>();
        var courseId = course.GetProperty("id").GetString()!;
        await using var author = await _browser.NewPageAsync(BaseUrl);
        var page = author.Page;
        var archive = new byte[] { 0x1f, 0x8b, 8, 0, 1, 2, 3, 4 };
        var api = new FakeImportApi(courseId);
        await page.RouteAsync("**/api/imports**", api.HandleAsync);
        await SignInAsync(page, email);

        // Instructors import into a course they teach: theirs is offered, the seeded ones (not theirs) are not.
        await page.GetByRole(AriaRole.Link, new() { Name = "Import", Exact = true }).ClickAsync();
        var into = page.GetByLabel("Into the course");
        await Expect(into.Locator("option")).ToHaveCountAsync(1);
        Assert.Equal([courseId], await into.Locator("option").EvaluateAllAsync<string[]>("o => o.map(x => x.value)"));
        await page.GetByLabel("Track archive (.tar.gz)").SetInputFilesAsync(new FilePayload { Name = "python.tar.gz", MimeType = "application/gzip", Buffer = archive });
        await AssertEveryControlIsLabelledAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();

        await page.Locator("#import-progress, .error-summary:not(:empty)").First.WaitForAsync();
        Assert.Equal("", await page.Locator(".error-summary").Or(page.Locator("#import-problem")).First.InnerTextAsync());
        Assert.EndsWith("/import/imp-1", page.Url, StringComparison.Ordinal);
        var progress = page.GetByRole(AriaRole.Progressbar, new() { Name = "Import progress" });
        await Expect(progress).ToBeVisibleAsync();
        await Expect(page.Locator("#import-count")).ToContainTextAsync("1 of 3");
        await Expect(page.Locator("#import-count")).ToContainTextAsync("3 of 3", new() { Timeout = Long });
        Assert.Equal("3", await progress.EvaluateAsync<string>("p => String(p.value)"));
        await Expect(page.Locator("#import-status")).ToHaveTextAsync("Finished: 1 imported, 1 invalid, 1 skipped.");
        await Expect(page.Locator("#import-exercises tr[data-slug='leap'][data-status='imported']")).ToContainTextAsync("Imported");
        await Expect(page.Locator("#import-exercises tr[data-slug='bob'][data-status='invalid']")).ToContainTextAsync("the example solution fails test_shouting");
        await Expect(page.Locator("#import-exercises tr[data-slug='rest-api'][data-status='skipped']")).ToContainTextAsync("needs a network");
        Assert.Equal($"/courses/{courseId}", await page.GetByRole(AriaRole.Link, new() { Name = "Open the course" }).GetAttributeAsync("href"));
        await Screenshots.TakeAsync(page, "author-import");
        await AssertEveryControlIsLabelledAsync(page);

        // The upload as the API wants it, polled about once a second, and no more once finished.
        Assert.Equal($"format=exercism&courseId={courseId}", api.Query);
        Assert.Equal("application/gzip", api.ContentType);
        Assert.Equal(archive, api.Body);
        var polls = api.Polls.Count;
        await page.WaitForTimeoutAsync(2500);
        Assert.Equal(polls, api.Polls.Count);
        Assert.All(api.Polls.Zip(api.Polls.Skip(1), (a, b) => b - a), gap => Assert.True(gap >= TimeSpan.FromMilliseconds(500), $"polled again after {gap.TotalMilliseconds} ms"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the course" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(course.GetProperty("title").GetString()!);

        // Admins may also let the import make a new course from the track (no courseId): here against the real import
        // API and runner, with a track in the Exercism format.
        await using var admin = await _browser.NewPageAsync(BaseUrl);
        await SignInAsync(admin.Page, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);
        await admin.Page.GotoAsync("/import");
        await admin.Page.GetByLabel("Into the course").SelectOptionAsync(new SelectOptionValue { Label = "A new course made from the track" });
        var track = ExercismTracks.Files("python");
        var trackSlug = "browser-" + Guid.NewGuid().ToString("N")[..8];
        track["config.json"] = track["config.json"].Replace("\"slug\": \"python\"", $"\"slug\": \"{trackSlug}\"", StringComparison.Ordinal);
        await admin.Page.GetByLabel("Track archive (.tar.gz)").SetInputFilesAsync(new FilePayload { Name = "python.tar.gz", MimeType = "application/gzip", Buffer = ExercismTracks.Archive(track) });
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(admin.Page.Locator("#import-status")).ToContainTextAsync("Finished", new() { Timeout = 180_000 });
        await Expect(admin.Page.Locator("#import-exercises tr[data-slug='shout'][data-status='imported']")).ToContainTextAsync("Imported");
        await Expect(admin.Page.Locator("#import-exercises tr[data-slug='broken-example'][data-status='invalid']")).ToContainTextAsync("reference solution does not pass");
        Assert.Equal($"/courses/exercism-{trackSlug}", await admin.Page.GetByRole(AriaRole.Link, new() { Name = "Open the course" }).GetAttributeAsync("href"));

        author.AssertNoConsoleErrors();
        admin.AssertNoConsoleErrors();
    }

    /// <summary>
    /// The import API as its contract says: 202 with an id, then a job that goes running 1/3 → 2/3 → finished 3/3, each
    /// state for two polls. Records what the page sent and when it polled.
    /// </summary>
    private sealed class FakeImportApi(string courseId)
    {
        public string? Query { get; private set; }

        public string? ContentType { get; private set; }

        public byte[]? Body { get; private set; }

        public List<TimeSpan> Polls { get; } = [];

        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public async Task HandleAsync(IRoute route)
        {
            var request = route.Request;
            var url = new Uri(request.Url);
            if (request.Method == "POST" && url.AbsolutePath == "/api/imports")
            {
                Query = url.Query.TrimStart('?');
                ContentType = await request.HeaderValueAsync("content-type");
                Body = request.PostDataBuffer;
                await route.FulfillAsync(new() { Status = 202, ContentType = "application/json", Body = """{"id":"imp-1"}""" });
                return;
            }

            Polls.Add(_clock.Elapsed);
            var step = Math.Min((Polls.Count + 1) / 2, 3);
            string Status(int from, string done) => step >= from ? done : "pending";
            var job = new
            {
                id = "imp-1", format = "exercism", status = step < 3 ? "running" : "finished", courseId, total = 3, processed = step, message = (string?)null,
                exercises = new object[]
                {
                    new { slug = "leap", title = "Leap", exerciseId = step >= 1 ? "e-leap" : null, status = Status(1, "imported"), reason = (string?)null },
                    new { slug = "bob", title = "Bob", exerciseId = (string?)null, status = Status(2, "invalid"), reason = step >= 2 ? "the example solution fails test_shouting" : null },
                    new { slug = "rest-api", title = "REST API", exerciseId = (string?)null, status = Status(3, "skipped"), reason = step >= 3 ? "needs a network" : null },
                },
            };
            await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = JsonSerializer.Serialize(job) });
        }
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>Waits for the save's status to say <paramref name="saved"/>; a refused save fails with what the page said.</summary>
    private static async Task ExpectSavedAsync(IPage page, string saved)
    {
        await page.Locator($"#save-status:has-text('{saved}'), .error-summary:not(:empty), #conflict:visible").First.WaitForAsync(new() { Timeout = Long });
        var problems = await page.Locator(".error-summary, #conflict:visible, [data-error-for]:not(:empty)").AllInnerTextsAsync();
        Assert.True(problems.All(string.IsNullOrWhiteSpace), "not saved: " + string.Join(" | ", problems));
        await Expect(page.Locator("#save-status")).ToContainTextAsync(saved);
    }

    /// <summary>Every control on the page has an accessible name: a label, an aria-label, or (buttons, links) its text.</summary>
    private static async Task AssertEveryControlIsLabelledAsync(IPage page)
    {
        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('main input, main select, main textarea, main button, main a, main progress')]
              .filter(el => !(el.labels?.length || el.getAttribute('aria-label')?.trim() || el.getAttribute('aria-labelledby')
                || (/^(BUTTON|A)$/.test(el.tagName) && el.textContent.trim())))
              .map(el => el.outerHTML.slice(0, 120))
            """);
        Assert.True(unlabelled.Length == 0, "unlabelled: " + string.Join("\n", unlabelled));
    }

    /// <summary>The scripts, handlers and javascript: links of <see cref="Instructions"/> are neither in the DOM nor run.</summary>
    private static async Task AssertNothingExecutableAsync(IPage page, ILocator rendered)
    {
        Assert.Equal(0, await rendered.Locator("script").CountAsync());
        Assert.Equal(0, await rendered.Locator("[onerror]").CountAsync());
        Assert.Equal(0, await rendered.Locator("a[href^='javascript']").CountAsync());
        Assert.False(await rendered.EvaluateAsync<bool>("el => [...el.querySelectorAll('*')].some(e => [...e.attributes].some(a => a.value.includes('__xss')))"));
        // Raw HTML is shown as the text the author wrote, never parsed into elements.
        Assert.Equal(0, await rendered.Locator("img").CountAsync());
        Assert.Contains("<img src=\"data:,\" onerror=", await rendered.InnerTextAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__xss ?? null"));
    }

    /// <summary>Registers a user and makes them an instructor (through the admin API); returns their email.</summary>
    private async Task<string> NewInstructorAsync()
    {
        var email = $"author-{Guid.NewGuid():N}@example.test";
        using var anonymous = fixture.Platform.Client();
        using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = Password, displayName = "Browser Author" });
        registered.EnsureSuccessStatusCode();
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var admin = fixture.Platform.Client(await TokenAsync(ServicesFixture.AdminEmail, ServicesFixture.AdminPassword));
        using var roles = await admin.PutAsJsonAsync($"/api/users/{id}/roles", new { roles = new[] { "instructor" } });
        roles.EnsureSuccessStatusCode();
        return email;
    }

    private async Task<string> TokenAsync(string email, string password)
    {
        using var login = await fixture.Platform.Client().PostAsJsonAsync("/api/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task RunAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await page.Locator("#verdict[data-verdict]").WaitForAsync(new() { Timeout = Long });
    }
}
