using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Livechat.Server.Http;

/// <summary>Serializer options for the wire: camelCase, absent fields omitted, UTC dates with milliseconds.</summary>
public static class JsonSetup
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new UtcDateTimeConverter());
        return options;
    }

    public static IServiceCollection AddLivechatJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));

    /// <summary>The wire shape of <paramref name="view"/> as a JSON tree, to be placed inside another document.</summary>
    public static System.Text.Json.Nodes.JsonObject ToNode<T>(T view) => JsonSerializer.SerializeToNode(view, Options)!.AsObject();

    /// <summary>Rocket.Chat's date form: <c>2025-05-01T12:34:56.789Z</c>.</summary>
    public static string FormatDate(DateTime value) =>
        DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an ISO-8601 date as UTC, or null when it is not one.</summary>
    public static DateTime? ParseDate(string? text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? d : null;

    sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ParseDate(reader.GetString()) ?? throw new JsonException("Invalid date");

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(FormatDate(value));
    }
}
