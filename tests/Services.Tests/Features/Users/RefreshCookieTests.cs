using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace LearningPlatform.Services.Tests.Features.Users;

/// <summary>
/// The browser client's refresh token lives in an HttpOnly cookie (login with ?useCookies=true); API clients keep
/// receiving it in the body. Cookies are read and sent by hand here, as a browser would.
/// </summary>
[Collection(ServicesCollection.Name)]
public sealed class RefreshCookieTests(ServicesFixture fixture)
{
    private readonly HttpClient _client = new(new HttpClientHandler { UseCookies = false })
    {
        BaseAddress = new Uri(fixture.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
    };

    [Fact]
    public async Task Login_with_useCookies_sets_an_HttpOnly_SameSite_Strict_cookie_for_the_refresh_path_only()
    {
        var email = await RegisteredAsync();

        using var response = await _client.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = UsersApi.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("refreshToken", out _));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        var cookie = RefreshCookieOf(response);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, cookie.SameSite);
        Assert.Equal("/api/auth/refresh", cookie.Path.Value);
        Assert.False(cookie.Secure); // plain HTTP here; see the HTTPS test
        Assert.True(cookie.MaxAge > TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task Api_clients_keep_the_refresh_token_in_the_body_and_get_no_cookie()
    {
        var email = await RegisteredAsync();

        using var response = await _client.PostAsJsonAsync("/api/auth/login", new { email, password = UsersApi.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<TokenPair>())!.RefreshToken));
        Assert.False(response.Headers.Contains(HeaderNames.SetCookie));
    }

    [Fact]
    public async Task Over_https_behind_the_gateway_the_cookie_is_Secure()
    {
        var email = await RegisteredAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login?useCookies=true")
        {
            Content = JsonContent.Create(new { email, password = UsersApi.Password }),
        };
        // The Hub forwards the client's scheme; Services believes it from loopback (ForwardedHeaders:KnownNetworks).
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await _client.SendAsync(request);

        Assert.True(RefreshCookieOf(response).Secure);
    }

    [Fact]
    public async Task Refresh_from_the_cookie_needs_the_csrf_header_and_rotates_the_cookie()
    {
        var first = await CookieLoginAsync();

        using var withoutHeader = await RefreshAsync(first, csrf: false);
        await UsersApi.ProblemAsync(withoutHeader, HttpStatusCode.Forbidden);

        using var refreshed = await RefreshAsync(first, csrf: true);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var body = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("refreshToken", out _));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client(body.GetProperty("accessToken").GetString()).GetAsync("/api/users/me")).StatusCode);
        var second = RefreshCookieOf(refreshed).Value.Value!;
        Assert.NotEqual(first, second);

        // the cookie's old token is used up like any other: presenting it again revokes the family
        using var replayed = await RefreshAsync(first, csrf: true);
        await UsersApi.ProblemAsync(replayed, HttpStatusCode.Unauthorized);
        Assert.True(RefreshCookieOf(replayed).Expires < DateTimeOffset.UtcNow); // and the dead cookie is cleared
        using var afterReuse = await RefreshAsync(second, csrf: true);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReuse.StatusCode);
    }

    [Fact]
    public async Task Sign_out_revokes_the_family_and_clears_the_cookie()
    {
        var token = await CookieLoginAsync();
        using var rotated = await RefreshAsync(token, csrf: true);
        var current = RefreshCookieOf(rotated).Value.Value!;

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/auth/refresh");
        request.Headers.Add(HeaderNames.Cookie, $"lp_refresh={current}");
        request.Headers.Add("X-Requested-With", "fetch");
        using var signedOut = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.True(RefreshCookieOf(signedOut).Expires < DateTimeOffset.UtcNow);
        // revoked on the server, not only forgotten by the browser: the token is refused wherever it comes from
        Assert.Equal(HttpStatusCode.Unauthorized, (await UsersApi.RefreshAsync(fixture.Client(), current)).StatusCode);
    }

    [Fact]
    public async Task Sign_out_without_a_session_is_still_204()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/auth/refresh");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<string> RegisteredAsync()
    {
        var email = UsersApi.NewEmail();
        await UsersApi.RegisterAsync(fixture.Client(), email);
        return email;
    }

    private async Task<string> CookieLoginAsync()
    {
        var email = await RegisteredAsync();
        using var response = await _client.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = UsersApi.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return RefreshCookieOf(response).Value.Value!;
    }

    private Task<HttpResponseMessage> RefreshAsync(string cookie, bool csrf)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh");
        request.Headers.Add(HeaderNames.Cookie, $"lp_refresh={cookie}");
        if (csrf)
        {
            request.Headers.Add("X-Requested-With", "fetch");
        }

        return _client.SendAsync(request);
    }

    private static SetCookieHeaderValue RefreshCookieOf(HttpResponseMessage response) =>
        SetCookieHeaderValue.ParseList(response.Headers.GetValues(HeaderNames.SetCookie).ToList()).Single(c => c.Name == "lp_refresh");
}
