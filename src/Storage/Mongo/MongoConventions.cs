using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace LearningPlatform.Storage.Mongo;

/// <summary>How the platform's documents map to BSON; registered once per process, before any class map is built.</summary>
internal static class MongoConventions
{
    private static readonly Lazy<bool> Registered = new(Register);

    public static void EnsureRegistered() => _ = Registered.Value;

    private static bool Register()
    {
        var pack = new ConventionPack
        {
            // Id stays _id (the id member's element name is fixed); everything else is camelCase.
            new CamelCaseElementNameConvention(),
            // Old documents may carry fields a newer type dropped: reading them must not fail.
            new IgnoreExtraElementsConvention(true),
            // Enums as names, also inside lists and dictionaries, like the LiteDB adapter.
            new EnumRepresentationConvention(BsonType.String, topLevelOnly: false),
            new DateTimeOffsetAsDateConvention(),
        };

        // Scoped to our own types, so a library sharing the driver in this process (Hangfire.Mongo) keeps its mapping.
        ConventionRegistry.Register("LearningPlatform.Storage", pack,
            type => type.Namespace?.StartsWith("LearningPlatform", StringComparison.Ordinal) == true);
        return true;
    }

    /// <summary>
    /// The driver's default for DateTimeOffset is an array of ticks and offset, which neither sorts nor compares by
    /// instant across offsets. A BSON date (UTC, millisecond precision) does both, and matches the LiteDB adapter.
    /// </summary>
    private sealed class DateTimeOffsetAsDateConvention : ConventionBase, IMemberMapConvention
    {
        private static readonly DateTimeOffsetSerializer AsDate = new(BsonType.DateTime);

        public void Apply(BsonMemberMap memberMap)
        {
            if (memberMap.MemberType == typeof(DateTimeOffset))
            {
                memberMap.SetSerializer(AsDate);
            }
            else if (memberMap.MemberType == typeof(DateTimeOffset?))
            {
                memberMap.SetSerializer(new NullableSerializer<DateTimeOffset>(AsDate));
            }
        }
    }
}
