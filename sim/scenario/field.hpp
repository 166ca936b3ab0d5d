#pragma once
// `field<&Scenario::workforce, &WorkforceSpec::fte>()`: the Field of a key
// table row (caseload/scenario/schema.hpp), from the chain of members that
// leads from the section's struct to the value. The value's type decides how
// it moves: a number as double, a whole number, enum (a choice, by its
// index) or date as std::int64_t, an optional as absent when it holds
// nothing. Internal to the scenario library.

#include "caseload/scenario/schema.hpp"

#include <optional>
#include <type_traits>

namespace caseload::scenario::schema {

namespace field_detail {

template <class M>
struct member_of;
template <class C, class M>
struct member_of<M C::*> {
    using owner = C;
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
Value to_value(const T& v) {
    if constexpr (is_optional<T>::value) {
        return v ? to_value(*v) : Value{};
    } else {
        static_assert(!std::is_same_v<T, bool>, "a yes/no value needs its own words: write its Field by hand");
        if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) return std::int64_t(v);
        else if constexpr (std::is_floating_point_v<T>) return double(v);
        else return Value(v);  // a text or a distribution
    }
}

template <class T>
void from_value(T& out, const Value& v) {
    if constexpr (is_optional<T>::value) {
        if (std::holds_alternative<std::monostate>(v)) {
            out.reset();
        } else {
            typename T::value_type x{};
            from_value(x, v);
            out = std::move(x);
        }
    } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
        out = T(std::get<std::int64_t>(v));
    } else if constexpr (std::is_floating_point_v<T>) {
        out = std::holds_alternative<double>(v) ? std::get<double>(v) : double(std::get<std::int64_t>(v));
    } else {
        out = std::get<T>(v);
    }
}

}  // namespace field_detail

template <auto First, auto... Rest>
Field field() {
    using Owner = typename field_detail::member_of<decltype(First)>::owner;
    return Field{
        +[](const void* o) -> Value {
            const Owner& x = *static_cast<const Owner*>(o);
            return field_detail::to_value(((x.*First) .* ... .* Rest));
        },
        +[](void* o, const Value& v) {
            Owner& x = *static_cast<Owner*>(o);
            field_detail::from_value(((x.*First) .* ... .* Rest), v);
        }};
}

// A value of key `k` as YAML text: 14, 2y written as "730.5d", fifo,
// 2027-03-01, unlimited; a distribution as its flow mapping. Empty when absent.
[[nodiscard]] std::string value_text(const Key& k, const Value& v);

}  // namespace caseload::scenario::schema
