using System.Text.Json.Nodes;
using Livechat.Server.Validation;

namespace Livechat.Server.Tests.Validation;

/// <summary>
/// The shared ajv-compatible validator, as pure logic: ajv's <c>coerceTypes</c> turns <c>""</c>, <c>0</c> and
/// <c>false</c> into <c>null</c> where a nullable object or array is expected, for every schema built from it.
/// </summary>
public sealed class SchemaTests
{
    static readonly Schema[] NullableObjectsAndArrays =
    [
        Schema.Object().OrNull(),
        Schema.Object().AllowingAdditional().OrNull(),
        ObjectSchema.MapOf(Schema.String()).OrNull(),
        Schema.Array(Schema.String()).OrNull(),
        Schema.Array(Schema.String()).AtMost(3).OrNull(),
    ];

    [Theory]
    [InlineData("\"\"")]
    [InlineData("0")]
    [InlineData("0.0")]
    [InlineData("-0")]
    [InlineData("false")]
    [InlineData("null")]
    public void NoValueBecomesNullForEveryNullableObjectOrArray(string json)
    {
        foreach (var schema in NullableObjectsAndArrays)
        {
            var coerced = schema.Check(JsonNode.Parse(json), out var error);

            Assert.Null(error);
            Assert.Null(coerced);
        }
    }

    [Theory]
    [InlineData("\"0\"")]
    [InlineData("\"false\"")]
    [InlineData("\" \"")]
    [InlineData("1")]
    [InlineData("true")]
    public void OtherScalarsStillFailTheTypeCheck(string json)
    {
        foreach (var schema in NullableObjectsAndArrays)
        {
            schema.Check(JsonNode.Parse(json), out var error);

            Assert.Equal(schema is ArraySchema ? "must be array" : "must be object", error);
        }
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("0")]
    [InlineData("false")]
    public void ANonNullableObjectOrArrayKeepsRefusingThem(string json)
    {
        Schema.Object().Check(JsonNode.Parse(json), out var objectError);
        Schema.Array(Schema.String()).Check(JsonNode.Parse(json), out var arrayError);

        Assert.Equal("must be object", objectError);
        Assert.Equal("must be array", arrayError);
    }
}
