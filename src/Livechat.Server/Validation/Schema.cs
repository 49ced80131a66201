using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Http;

namespace Livechat.Server.Validation;

/// <summary>
/// A small JSON-schema validator with ajv's outcome (coerceTypes: true, first error only):
/// type, then required in order, then additionalProperties, then each property in declaration order.
/// <see cref="Validate"/> returns the coerced value or throws the 400 invalid-params envelope.
/// </summary>
public abstract class Schema
{
    public bool Nullable { get; init; }

    public JsonNode? Validate(JsonNode? value)
    {
        var result = Check(value, out var error);
        return error is null ? result : throw ApiError.InvalidParams(error).ToException();
    }

    /// <summary>Returns the coerced value, or sets <paramref name="error"/> to ajv's message.</summary>
    public abstract JsonNode? Check(JsonNode? value, out string? error);

    public static ObjectSchema Object(params (string Name, Schema Schema)[] properties) => new(properties);
    public static StringSchema String(params string[] allowed) => new() { Allowed = allowed.Length == 0 ? null : allowed };
    public static NumberSchema Number() => new();
    public static NumberSchema Integer(long? minimum = null, long? maximum = null) =>
        new() { IntegerOnly = true, Minimum = minimum, Maximum = maximum };
    public static BooleanSchema Boolean() => new();
    public static ArraySchema Array(Schema items) => new(items);
    public static AnySchema Any() => new();

    /// <summary>Turns a query string into an object of strings (arrays for repeated or <c>key[]</c> keys).</summary>
    public static JsonObject FromQuery(IQueryCollection query)
    {
        var result = new JsonObject();
        foreach (var (rawKey, values) in query)
        {
            var isArray = rawKey.EndsWith("[]", StringComparison.Ordinal);
            var key = isArray ? rawKey[..^2] : rawKey;
            if (isArray || values.Count > 1)
            {
                var array = result[key] as JsonArray ?? [];
                foreach (var v in values)
                {
                    array.Add(v);
                }
                result[key] = array;
            }
            else
            {
                result[key] = values.ToString();
            }
        }
        return result;
    }

    /// <summary>JavaScript's <c>String(number)</c>, as ajv's coercion produces it (1e21 → "1e+21").</summary>
    public static string JsNumberToString(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return "0";
        var abs = Math.Abs(d);
        if (abs >= 1e21 || abs < 1e-6)
        {
            var s = d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
            if (!s.Contains('e', StringComparison.Ordinal)) return s;
            var parts = s.Split('e');
            var exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return $"{parts[0]}e{(exponent >= 0 ? "+" : "-")}{Math.Abs(exponent)}";
        }
        return d.ToString("R", CultureInfo.InvariantCulture) switch
        {
            var r when r.Contains('E', StringComparison.Ordinal) => decimal.Parse(r, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            var r => r,
        };
    }

    /// <summary>Unicode code points, as ajv's <c>ucs2length</c> counts a string (a surrogate pair is one).</summary>
    internal static int CodePoints(string text) => text.Length - text.Count(char.IsLowSurrogate);

    internal static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    /// <summary>
    /// ajv's coercion to <c>null</c> (<c>coerceTypes: true</c>): where a nullable object or array is expected, <c>""</c>,
    /// <c>0</c> and <c>false</c> mean "no value". Strings, numbers and booleans coerce to their own type first instead.
    /// </summary>
    internal static bool CoercesToNull(JsonNode? value) => KindOf(value) switch
    {
        JsonValueKind.String => value!.GetValue<string>().Length == 0,
        JsonValueKind.Number => value!.GetValue<double>() == 0,
        JsonValueKind.False => true,
        _ => false,
    };
}

public sealed class ObjectSchema(IReadOnlyList<(string Name, Schema Schema)> properties) : Schema
{
    public IReadOnlyList<(string Name, Schema Schema)> Properties { get; } = properties;
    public IReadOnlyList<string> Required { get; init; } = [];
    public bool AdditionalProperties { get; init; }

    /// <summary>When set, additional properties are allowed and each value must pass this schema (in key order).</summary>
    public Schema? AdditionalValues { get; init; }

    public ObjectSchema Requires(params string[] names) => Copy(names, AdditionalProperties, AdditionalValues, Nullable);

    public ObjectSchema AllowingAdditional() => Copy(Required, true, AdditionalValues, Nullable);

    public ObjectSchema OrNull() => Copy(Required, AdditionalProperties, AdditionalValues, true);

    /// <summary>An object of arbitrary keys whose values all pass <paramref name="values"/>.</summary>
    public static ObjectSchema MapOf(Schema values) => new([]) { AdditionalProperties = true, AdditionalValues = values };

    ObjectSchema Copy(IReadOnlyList<string> required, bool additional, Schema? values, bool nullable) => new(Properties)
    {
        Required = required, AdditionalProperties = additional, AdditionalValues = values, Nullable = nullable,
    };

    public override JsonNode? Check(JsonNode? value, out string? error)
    {
        error = null;
        if (Nullable && (value is null || CoercesToNull(value))) return null;
        if (value is not JsonObject obj)
        {
            error = "must be object";
            return null;
        }
        foreach (var name in Required)
        {
            if (!obj.ContainsKey(name))
            {
                error = $"must have required property '{name}'";
                return null;
            }
        }
        if (!AdditionalProperties)
        {
            foreach (var (key, _) in obj)
            {
                if (!Properties.Any(p => p.Name == key))
                {
                    error = "must NOT have additional properties";
                    return null;
                }
            }
        }
        var result = new JsonObject();
        foreach (var (key, node) in obj)
        {
            var declared = Properties.FirstOrDefault(p => p.Name == key).Schema;
            if (declared is null && AdditionalValues is not null)
            {
                result[key] = AdditionalValues.Check(node, out error);
                if (error is not null) return null;
            }
            else if (declared is null)
            {
                result[key] = node?.DeepClone();
            }
        }
        foreach (var (name, schema) in Properties)
        {
            if (!obj.TryGetPropertyValue(name, out var node)) continue;
            var coerced = schema.Check(node, out error);
            if (error is not null) return null;
            result[name] = coerced;
        }
        return result;
    }
}

public sealed class StringSchema : Schema
{
    public IReadOnlyList<string>? Allowed { get; init; }

    /// <summary>ajv's <c>maxLength</c>, counted in code points as ajv does.</summary>
    public int? MaxLength { get; init; }

    public StringSchema OrNull() => new() { Allowed = Allowed, MaxLength = MaxLength, Nullable = true };

    public StringSchema AtMost(int characters) => new() { Allowed = Allowed, MaxLength = characters, Nullable = Nullable };

    public override JsonNode? Check(JsonNode? value, out string? error)
    {
        error = null;
        string text;
        switch (KindOf(value))
        {
            case JsonValueKind.String: text = value!.GetValue<string>(); break;
            case JsonValueKind.Number: text = JsNumberToString(value!.GetValue<double>()); break;
            case JsonValueKind.True: text = "true"; break;
            case JsonValueKind.False: text = "false"; break;
            case JsonValueKind.Null when Nullable: return null;
            case JsonValueKind.Null: text = ""; break;
            default: error = "must be string"; return null;
        }
        if (MaxLength is { } max && text.Length > max && CodePoints(text) > max)
        {
            error = $"must NOT have more than {max} characters";
            return null;
        }
        if (Allowed is not null && !Allowed.Contains(text))
        {
            error = "must be equal to one of the allowed values";
            return null;
        }
        return JsonValue.Create(text);
    }
}

public sealed class NumberSchema : Schema
{
    public bool IntegerOnly { get; init; }
    public long? Minimum { get; init; }
    public long? Maximum { get; init; }

    public override JsonNode? Check(JsonNode? value, out string? error)
    {
        error = null;
        double number;
        switch (KindOf(value))
        {
            case JsonValueKind.Number: number = value!.GetValue<double>(); break;
            case JsonValueKind.String when double.TryParse(value!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                && value.GetValue<string>().Trim().Length == value.GetValue<string>().Length && value.GetValue<string>().Length > 0:
                number = parsed; break;
            case JsonValueKind.True: number = 1; break;
            case JsonValueKind.False: number = 0; break;
            case JsonValueKind.Null when Nullable: return null;
            case JsonValueKind.Null: number = 0; break;
            default: error = IntegerOnly ? "must be integer" : "must be number"; return null;
        }
        if (IntegerOnly && Math.Floor(number) != number)
        {
            error = "must be integer";
            return null;
        }
        if (Minimum is { } min && number < min)
        {
            error = $"must be >= {min}";
            return null;
        }
        if (Maximum is { } max && number > max)
        {
            error = $"must be <= {max}";
            return null;
        }
        return IntegerOnly ? JsonValue.Create((long)number) : JsonValue.Create(number);
    }
}

public sealed class BooleanSchema : Schema
{
    public override JsonNode? Check(JsonNode? value, out string? error)
    {
        error = null;
        switch (KindOf(value))
        {
            case JsonValueKind.True: return JsonValue.Create(true);
            case JsonValueKind.False: return JsonValue.Create(false);
            case JsonValueKind.String when value!.GetValue<string>() == "true": return JsonValue.Create(true);
            case JsonValueKind.String when value!.GetValue<string>() == "false": return JsonValue.Create(false);
            case JsonValueKind.Number when value!.GetValue<double>() == 1: return JsonValue.Create(true);
            case JsonValueKind.Number when value!.GetValue<double>() == 0: return JsonValue.Create(false);
            case JsonValueKind.Null when Nullable: return null;
            case JsonValueKind.Null: return JsonValue.Create(false);
            default: error = "must be boolean"; return null;
        }
    }
}

public sealed class ArraySchema(Schema items) : Schema
{
    /// <summary>ajv's <c>maxItems</c>, checked before the items.</summary>
    public int? MaxItems { get; init; }

    /// <summary>ajv's <c>minItems</c>, checked before the items.</summary>
    public int? MinItems { get; init; }

    public ArraySchema OrNull() => new(items) { MaxItems = MaxItems, MinItems = MinItems, Nullable = true };

    public ArraySchema AtMost(int count) => new(items) { MaxItems = count, MinItems = MinItems, Nullable = Nullable };

    public ArraySchema AtLeast(int count) => new(items) { MaxItems = MaxItems, MinItems = count, Nullable = Nullable };

    public override JsonNode? Check(JsonNode? value, out string? error)
    {
        error = null;
        if (Nullable && (value is null || CoercesToNull(value))) return null;
        if (value is not JsonArray array)
        {
            error = "must be array";
            return null;
        }
        if (MaxItems is { } max && array.Count > max)
        {
            error = $"must NOT have more than {max} items";
            return null;
        }
        if (MinItems is { } min && array.Count < min)
        {
            error = $"must NOT have fewer than {min} items";
            return null;
        }
        var result = new JsonArray();
        foreach (var item in array)
        {
            var coerced = items.Check(item, out error);
            if (error is not null) return null;
            result.Add(coerced);
        }
        return result;
    }
}

public sealed class AnySchema : Schema
{
    public override JsonNode? Check(JsonNode? value, out string? error)
    {
        error = null;
        return value?.DeepClone();
    }
}
