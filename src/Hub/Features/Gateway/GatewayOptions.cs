using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Hub.Features.Gateway;

/// <summary>The public entry's limits and where it forwards to.</summary>
public sealed class GatewayOptions : IValidatableObject
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

    /// <summary>
    /// Requests to <c>/api/auth/**</c> (sign-in, registration, refresh, sign-out) per client address per window, whatever
    /// their outcome: a flood guard far above what a school behind one address needs. The limits below are the ones
    /// that normally bite.
    /// </summary>
    [Range(1, 1_000_000)]
    public int AuthPermitLimit { get; set; } = 1_200;

    /// <summary>Window of <see cref="AuthPermitLimit"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AuthWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failed sign-ins (wrong password, unknown or locked account, malformed request) per client address per window.
    /// Past it every sign-in from the address is refused (429) until the window moves on, and the first refusal is
    /// logged: credential stuffing from one address is held to this rate, while a school's classes, a typo here and
    /// there, stay far below it. Successful sign-ins do not count; each account also locks after its own failures
    /// (<c>Users:Login:MaxFailedAttempts</c>).
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailedSignInLimit { get; set; } = 300;

    /// <summary>Window of <see cref="FailedSignInLimit"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Registrations per client address in a short window: a class joining together in one minute.</summary>
    [Range(1, 1_000_000)]
    public int RegistrationBurstLimit { get; set; } = 50;

    /// <summary>Window of <see cref="RegistrationBurstLimit"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RegistrationBurstWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Registrations per client address in a long window: a few classes an hour, not bulk account creation.</summary>
    [Range(1, 1_000_000)]
    public int RegistrationLimit { get; set; } = 200;

    /// <summary>Window of <see cref="RegistrationLimit"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RegistrationWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sustained API requests per second per user (or per address when anonymous).</summary>
    [Range(1, 100_000)]
    public int ApiRequestsPerSecond { get; set; } = 50;

    /// <summary>Burst of API requests allowed above the sustained rate.</summary>
    [Range(1, 100_000)]
    public int ApiBurst { get; set; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RegistrationWindow <= RegistrationBurstWindow || RegistrationLimit < RegistrationBurstLimit)
        {
            yield return new ValidationResult(
                "Gateway:RegistrationWindow must be longer than RegistrationBurstWindow, and RegistrationLimit at least RegistrationBurstLimit.",
                [nameof(RegistrationWindow), nameof(RegistrationLimit)]);
        }
    }
}
