using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Progress;

/// <summary>Learning records out as xAPI statements to a Learning Record Store. Off unless <see cref="Enabled"/>.</summary>
public sealed class XapiOptions : IValidatableObject
{
    public const string SectionName = "Xapi";

    public bool Enabled { get; set; }

    /// <summary>The LRS's xAPI base URL; statements go to <c>{Endpoint}/statements</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Basic auth user (the LRS's key).</summary>
    public string? Username { get; set; }

    /// <summary>Basic auth password (the LRS's secret).</summary>
    public string? Password { get; set; }

    /// <summary>Home page of the platform's accounts: actors are <c>{ account: { homePage, name: userId } }</c>, no email leaves.</summary>
    [Required]
    public Uri ActorHomePage { get; set; } = new("https://learning-platform.example/");

    /// <summary>Base of activity ids: exercises are <c>{base}exercises/{id}</c>, concepts <c>{base}concepts/{id}</c>.</summary>
    [Required]
    public Uri ActivityBase { get; set; } = new("https://learning-platform.example/activities/");

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && Endpoint is not { IsAbsoluteUri: true })
        {
            yield return new ValidationResult("Xapi:Endpoint must be an absolute URL when Xapi:Enabled is true.", [nameof(Endpoint)]);
        }
    }
}
