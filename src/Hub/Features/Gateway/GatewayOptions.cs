using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Hub.Features.Gateway;

/// <summary>The public entry's limits and where it forwards to.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Base address of the Services process (internal).</summary>
    [Required, Url]
    public string ServicesUrl { get; set; } = "http://127.0.0.1:8081";

    /// <summary>
    /// Connections to Services at most, for the Hub's own calls and again for the API it forwards. Requests beyond
    /// wait for one: a burst of learners opening exercises (1,000 at once made 614) must not take the file handles
    /// the learners' own connections need (see <c>ConnectionLimit</c>).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxServicesConnections { get; set; } = 64;

    /// <summary>Largest request body accepted, in bytes.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest body of a course import (<c>POST /api/imports</c>: a track archive of a few MB); that endpoint only.</summary>
    [Range(1_024, 256 * 1024 * 1024)]
    public long MaxImportBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Browser origins allowed to call the API (CORS). Empty: same origin only.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Login, register and refresh attempts per client address per window.</summary>
    [Range(1, 100_000)]
    public int AuthPermitLimit { get; set; } = 20;

    /// <summary>Window of <see cref="AuthPermitLimit"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AuthWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sustained API requests per second per user (or per address when anonymous).</summary>
    [Range(1, 100_000)]
    public int ApiRequestsPerSecond { get; set; } = 50;

    /// <summary>Burst of API requests allowed above the sustained rate.</summary>
    [Range(1, 100_000)]
    public int ApiBurst { get; set; } = 100;
}
