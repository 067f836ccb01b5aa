using System.Net;

namespace LearningPlatform.Hub.Tests.Features.Jobs;

/// <summary>The Hangfire dashboard through the gateway: admins only, refused at the edge and again in Services.</summary>
[Collection(PlatformCollection.Name)]
public sealed class DashboardTests(PlatformFixture platform)
{
    [Fact]
    public async Task Admin_gets_the_dashboard_learner_is_forbidden_anonymous_is_unauthorized()
    {
        using var admin = await platform.Client(TestJwt.Create("admin-1", ["admin"])).GetAsync("/jobs");
        using var learner = await platform.Client(TestJwt.Create("learner-1", ["learner"])).GetAsync("/jobs");
        using var instructor = await platform.Client(TestJwt.Create("instructor-1", ["instructor"])).GetAsync("/jobs/recurring");
        using var anonymous = await platform.Client().GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("Learning Platform jobs", await admin.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, learner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, instructor.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_browser_opens_the_dashboard_with_the_session_cookie_an_admin_gets()
    {
        var client = platform.Client(TestJwt.Create("admin-2", ["admin"]));
        using var session = await client.PostAsync("/api/auth/dashboard-session", null);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var cookie = Assert.Single(session.Headers.GetValues("Set-Cookie"));
        Assert.Contains("path=/jobs", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        // no Authorization header, only the cookie, as a browser navigating to /jobs
        var browser = platform.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/jobs/recurring");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var page = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("recommendations-nightly", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_learner_cannot_get_a_dashboard_session()
    {
        using var response = await platform.Client(TestJwt.Create("learner-2", ["learner"])).PostAsync("/api/auth/dashboard-session", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
